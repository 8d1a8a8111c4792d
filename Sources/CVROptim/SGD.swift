// Stochastic gradient descent with (Nesterov) momentum, PyTorch semantics, with
// a dense path and a lazy sparse-rows path for embedding tables.
import CVRAutograd
import CVRKernels

/// SGD as torch.optim.SGD with dampening 0.
///
/// Per element, with d = g + λ·p (coupled L2, λ = weight decay):
/// - without momentum: p ← p − lr·d
/// - with momentum μ:  b ← μ·b + d; p ← p − lr·b, or p ← p − lr·(d + μ·b) with Nesterov.
/// The buffer starts at 0, which equals PyTorch's b₁ = d₁ when dampening is 0.
///
/// Sparse-row tables are updated lazily: only the touched rows and their
/// momentum rows move, so an untouched row's momentum does not keep carrying it
/// as it would in the dense update (and its weight decay is not applied).
/// State: "sgd.momentum/<param>" when μ ≠ 0, nothing otherwise.
public final class SGD: ScheduledOptimizer {
  public var groups: [ParameterGroup]
  public var stepCount = 0
  public var learningRate: Float
  public var schedule: LearningRateSchedule
  public var weightDecay: Float
  public let momentum: Float
  public let nesterov: Bool
  private let state: OptimizerState

  public init(
    _ groups: [ParameterGroup], learningRate: Float, momentum: Float = 0, nesterov: Bool = false,
    weightDecay: Float = 0, schedule: LearningRateSchedule = .constant
  ) {
    precondition(!nesterov || momentum > 0, "SGD: Nesterov needs a positive momentum")
    self.groups = groups
    self.learningRate = learningRate
    self.momentum = momentum
    self.nesterov = nesterov
    self.weightDecay = weightDecay
    self.schedule = schedule
    state = OptimizerState(kinds: momentum == 0 ? [] : ["sgd.momentum"])
  }

  /// One group of all `parameters`.
  public convenience init(
    _ parameters: [Parameter], learningRate: Float, momentum: Float = 0, nesterov: Bool = false,
    weightDecay: Float = 0, schedule: LearningRateSchedule = .constant
  ) {
    self.init([ParameterGroup("all", parameters)], learningRate: learningRate, momentum: momentum,
              nesterov: nesterov, weightDecay: weightDecay, schedule: schedule)
  }

  public func step() {
    let t = stepCount
    stepCount += 1
    let (mu, nesterov, hasMomentum) = (momentum, nesterov, momentum != 0)
    forEachUpdate(stepIndex: t) { p, lr, decay in
      let buffer = hasMomentum ? state.slot(for: p)[0] : nil
      let value = p.value.baseAddress!
      switch p.gradientLayout {
      case .dense:
        // Split over threads like Adagrad's and Adam's dense paths (same streaming pattern).
        let gradient = p.grad.baseAddress!
        Threads.parallelFor(total: p.shape.count, minimum: Threads.minimumStreamingChunk) { _, r in
          SGDKernel.update(value: value + r.lowerBound, gradient: gradient + r.lowerBound,
                           momentumBuffer: buffer.map { $0 + r.lowerBound }, count: r.count,
                           learningRate: lr, momentum: mu, nesterov: nesterov, weightDecay: decay)
        }
      case .sparseRows:
        let g = p.sparseGrad!
        let width = g.width
        for slot in 0..<g.count {
          let offset = g.row(atSlot: slot) * width
          SGDKernel.update(value: value + offset, gradient: g.values(atSlot: slot), momentumBuffer: buffer.map { $0 + offset },
                           count: width, learningRate: lr, momentum: mu, nesterov: nesterov, weightDecay: decay)
        }
      }
    }
  }

  public func stateTensors() -> [StateTensor] { state.tensors(for: groups) }
}

/// The SGD update over `count` contiguous elements (a whole tensor or one table row).
enum SGDKernel {
  /// d = g + λ·p; then p −= lr·d (no buffer), or b = μ·b + d and p −= lr·b
  /// (p −= lr·(d + μ·b) with Nesterov). One pass over memory.
  @inline(__always)
  static func update(
    value p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
    momentumBuffer b: UnsafeMutablePointer<Float>?, count: Int,
    learningRate lr: Float, momentum mu: Float, nesterov: Bool, weightDecay decay: Float
  ) {
    guard let b else {
      for i in 0..<count { p[i] -= lr * (g[i] + decay * p[i]) }
      return
    }
    if nesterov {
      for i in 0..<count {
        let d = g[i] + decay * p[i]
        let v = mu * b[i] + d
        b[i] = v
        p[i] -= lr * (d + mu * v)
      }
    } else {
      for i in 0..<count {
        let v = mu * b[i] + (g[i] + decay * p[i])
        b[i] = v
        p[i] -= lr * v
      }
    }
  }
}

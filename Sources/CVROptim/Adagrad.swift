// Adagrad, PyTorch semantics, with a dense path and an exact sparse-rows path
// for embedding tables.
import CVRAutograd
import CVRKernels

/// Adagrad as torch.optim.Adagrad.
///
/// Per element, at step index t (0-based), with d = g + λ·p (coupled L2):
///   s ← s + d²;  p ← p − lr_t · d / (√s + ε),  lr_t = lr / (1 + t · lrDecay).
/// s starts at `initialAccumulatorValue` (PyTorch's default 0; TensorFlow's 0.1).
///
/// The sparse-rows path updates only the touched rows and their accumulators.
/// It is EXACT, not an approximation: a row with zero gradient (and λ = 0)
/// keeps s and p unchanged in the dense update too. With λ ≠ 0 the dense update
/// would also decay untouched rows; the sparse path decays touched rows only.
/// State: "adagrad.sum/<param>".
public final class Adagrad: ScheduledOptimizer {
  public var groups: [ParameterGroup]
  public var stepCount = 0
  public var learningRate: Float
  public var schedule: LearningRateSchedule
  public var weightDecay: Float
  /// PyTorch's `lr_decay`: lr_t = lr / (1 + t · lrDecay).
  public var learningRateDecay: Float
  public let initialAccumulatorValue: Float
  public let epsilon: Float
  private let state: OptimizerState

  public init(
    _ groups: [ParameterGroup], learningRate: Float = 0.01, initialAccumulatorValue: Float = 0,
    epsilon: Float = 1e-10, learningRateDecay: Float = 0, weightDecay: Float = 0,
    schedule: LearningRateSchedule = .constant
  ) {
    self.groups = groups
    self.learningRate = learningRate
    self.initialAccumulatorValue = initialAccumulatorValue
    self.epsilon = epsilon
    self.learningRateDecay = learningRateDecay
    self.weightDecay = weightDecay
    self.schedule = schedule
    state = OptimizerState(kinds: ["adagrad.sum"], initialValues: [initialAccumulatorValue])
  }

  /// One group of all `parameters`.
  public convenience init(
    _ parameters: [Parameter], learningRate: Float = 0.01, initialAccumulatorValue: Float = 0,
    epsilon: Float = 1e-10, learningRateDecay: Float = 0, weightDecay: Float = 0,
    schedule: LearningRateSchedule = .constant
  ) {
    self.init([ParameterGroup("all", parameters)], learningRate: learningRate,
              initialAccumulatorValue: initialAccumulatorValue, epsilon: epsilon,
              learningRateDecay: learningRateDecay, weightDecay: weightDecay, schedule: schedule)
  }

  public func step() {
    let t = stepCount
    stepCount += 1
    let decayFactor = 1 / (1 + Float(t) * learningRateDecay)
    let epsilon = epsilon
    forEachUpdate(stepIndex: t) { p, lr, decay in
      let sum = state.slot(for: p)[0]
      let value = p.value.baseAddress!
      let rate = lr * decayFactor
      switch p.gradientLayout {
      case .dense:
        // Memory-bound (5 floats moved per element), yet splitting pays on the
        // shared 2-core machine: K7 1M×32, bench medians at 1 → 2 threads over
        // 5 runs 20.5/23.6/21.5/20.2/20.0 → 19.6/21.1/16.8/18.2/20.2 ms (best 19.4 → 11.7 ms);
        // Adam 24.9/28.4/26.8/24.7/25.1 → 19.8/25.6/23.3/18.8/24.7 ms. Never slower.
        let gradient = p.grad.baseAddress!
        Threads.parallelFor(total: p.shape.count, minimum: Threads.minimumStreamingChunk) { _, range in
          OptimizerUpdates.adagrad(value: value + range.lowerBound, gradient: gradient + range.lowerBound,
                                   sum: sum + range.lowerBound, count: range.count,
                                   learningRate: rate, epsilon: epsilon, weightDecay: decay)
        }
      case .sparseRows:
        let g = p.sparseGrad!
        let width = g.width
        for slot in 0..<g.count {
          let offset = g.row(atSlot: slot) * width
          OptimizerUpdates.adagrad(value: value + offset, gradient: g.values(atSlot: slot), sum: sum + offset,
                                   count: width, learningRate: rate, epsilon: epsilon, weightDecay: decay)
        }
      }
    }
  }

  public func stateTensors() -> [StateTensor] { state.tensors(for: groups) }
}

/// The Adagrad update over `count` contiguous elements (a whole tensor or one table row):
/// the Swift reference the C kernel (`OptimizerUpdates.adagrad`, which `step` runs) is tested against.
enum AdagradKernel {
  /// d = g + λ·p; s += d²; p −= lr · d / (√s + ε). One pass over p, g, s.
  @inline(__always)
  static func update(
    value p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, sum s: UnsafeMutablePointer<Float>,
    count: Int, learningRate lr: Float, epsilon: Float, weightDecay decay: Float
  ) {
    for i in 0..<count {
      let d = g[i] + decay * p[i]
      let accumulated = s[i] + d * d
      s[i] = accumulated
      p[i] -= lr * d / (nonNegativeSquareRoot(accumulated) + epsilon)
    }
  }
}

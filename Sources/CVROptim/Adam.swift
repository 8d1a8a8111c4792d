// Adam and AdamW, PyTorch semantics, with a dense path and a lazy sparse-rows
// path (torch.optim.SparseAdam's semantics) for embedding tables.
import CVRAutograd
import CVRKernels
import RealModule

/// Adam as torch.optim.Adam (L2 weight decay) or torch.optim.AdamW (decoupled).
///
/// Dense update per element at step t = stepCount after increment (1, 2, ...):
///   coupled L2:   d = g + λ·p              decoupled: p ← p·(1 − lr·λ), d = g
///   m ← β1·m + (1 − β1)·d;   v ← β2·v + (1 − β2)·d²
///   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)      (ε outside the sqrt)
///
/// Sparse-rows tables are updated LAZILY, as torch.optim.SparseAdam: only the
/// touched rows and their moments move, with bias correction from the global
/// step t, and SparseAdam's placement of ε:
///   p ← p − (lr · √(1 − β2^t) / (1 − β1^t)) · m / (√v + ε).
/// This differs from dense Adam on rows with zero gradient: dense Adam keeps
/// moving such a row with its decaying momentum, lazy Adam leaves it alone (and
/// a row touched every step differs from dense only by ε's placement). Weight
/// decay on a sparse table applies to the touched rows only.
/// State: "adam.m/<param>" and "adam.v/<param>".
public class Adam: ScheduledOptimizer {
  /// How `weightDecay` enters the update.
  public enum WeightDecayMode: Sendable {
    /// L2 added to the gradient (torch.optim.Adam's weight_decay).
    case coupledL2
    /// Shrinks p by lr·λ before the Adam update (torch.optim.AdamW).
    case decoupled
  }

  public var groups: [ParameterGroup]
  public var stepCount = 0
  public var learningRate: Float
  public var schedule: LearningRateSchedule
  public var weightDecay: Float
  public let weightDecayMode: WeightDecayMode
  public let beta1: Float
  public let beta2: Float
  public let epsilon: Float
  private let state = OptimizerState(kinds: ["adam.m", "adam.v"])

  public init(
    _ groups: [ParameterGroup], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
    epsilon: Float = 1e-8, weightDecay: Float = 0, weightDecayMode: WeightDecayMode = .coupledL2,
    schedule: LearningRateSchedule = .constant
  ) {
    self.groups = groups
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.weightDecayMode = weightDecayMode
    self.schedule = schedule
  }

  /// One group of all `parameters`.
  public convenience init(
    _ parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
    epsilon: Float = 1e-8, weightDecay: Float = 0, weightDecayMode: WeightDecayMode = .coupledL2,
    schedule: LearningRateSchedule = .constant
  ) {
    self.init([ParameterGroup("all", parameters)], learningRate: learningRate, beta1: beta1, beta2: beta2,
              epsilon: epsilon, weightDecay: weightDecay, weightDecayMode: weightDecayMode, schedule: schedule)
  }

  public func step() {
    let t = stepCount
    stepCount += 1
    let correction1 = 1 - Double.pow(Double(beta1), Double(t + 1))
    let correction2 = 1 - Double.pow(Double(beta2), Double(t + 1))
    let (beta1, beta2, epsilon, decoupled) = (beta1, beta2, epsilon, weightDecayMode == .decoupled)
    forEachUpdate(stepIndex: t) { p, lr, decay in
      let slot = state.slot(for: p)
      let (m, v, value) = (slot[0], slot[1], p.value.baseAddress!)
      let keep: Float = decoupled ? 1 - lr * decay : 1
      let coupled: Float = decoupled ? 0 : decay
      switch p.gradientLayout {
      case .dense:
        let stepSize = Float(Double(lr) / correction1)
        let varianceScale = Float(1 / correction2.squareRoot())
        // Split over threads: measured to pay on K7 (see Adagrad's dense path for the numbers).
        let gradient = p.grad.baseAddress!
        Threads.parallelFor(total: p.shape.count, minimum: Threads.minimumStreamingChunk) { _, r in
          OptimizerUpdates.adam(value: value + r.lowerBound, gradient: gradient + r.lowerBound, m: m + r.lowerBound,
                                v: v + r.lowerBound, count: r.count, beta1: beta1, beta2: beta2, stepSize: stepSize,
                                varianceScale: varianceScale, epsilon: epsilon, coupledDecay: coupled, keep: keep)
        }
      case .sparseRows:
        let stepSize = Float(Double(lr) * correction2.squareRoot() / correction1)
        let g = p.sparseGrad!
        let width = g.width
        for s in 0..<g.count {
          let offset = g.row(atSlot: s) * width
          OptimizerUpdates.adam(value: value + offset, gradient: g.values(atSlot: s), m: m + offset, v: v + offset,
                                count: width, beta1: beta1, beta2: beta2, stepSize: stepSize, varianceScale: 1,
                                epsilon: epsilon, coupledDecay: coupled, keep: keep)
        }
      }
    }
  }

  public func stateTensors() -> [StateTensor] { state.tensors(for: groups) }
}

/// torch.optim.AdamW: Adam with decoupled weight decay (default λ = 0.01).
public final class AdamW: Adam {
  public init(
    _ groups: [ParameterGroup], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
    epsilon: Float = 1e-8, weightDecay: Float = 0.01, schedule: LearningRateSchedule = .constant
  ) {
    super.init(groups, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
               weightDecay: weightDecay, weightDecayMode: .decoupled, schedule: schedule)
  }

  /// One group of all `parameters`.
  public convenience init(
    _ parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
    epsilon: Float = 1e-8, weightDecay: Float = 0.01, schedule: LearningRateSchedule = .constant
  ) {
    self.init([ParameterGroup("all", parameters)], learningRate: learningRate, beta1: beta1, beta2: beta2,
              epsilon: epsilon, weightDecay: weightDecay, schedule: schedule)
  }
}

/// The Adam update over `count` contiguous elements (a whole tensor or one table row):
/// the Swift reference the C kernel (`OptimizerUpdates.adam`, which `step` runs) is tested against.
enum AdamKernel {
  /// x = keep·p; d = g + λc·p; m = β1·m + (1−β1)·d; v = β2·v + (1−β2)·d²;
  /// p = x − stepSize · m / (√v · varianceScale + ε). One pass over p, g, m, v.
  @inline(__always)
  static func update(
    value p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
    m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, count: Int,
    beta1: Float, beta2: Float, stepSize: Float, varianceScale: Float, epsilon: Float,
    coupledDecay: Float, keep: Float
  ) {
    let (oneMinusBeta1, oneMinusBeta2) = (1 - beta1, 1 - beta2)
    for i in 0..<count {
      let d = g[i] + coupledDecay * p[i]
      let first = beta1 * m[i] + oneMinusBeta1 * d
      let second = beta2 * v[i] + oneMinusBeta2 * (d * d)
      m[i] = first
      v[i] = second
      p[i] = keep * p[i] - stepSize * first / (nonNegativeSquareRoot(second) * varianceScale + epsilon)
    }
  }
}

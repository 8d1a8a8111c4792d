// Learning-rate schedules: a factor on the optimizer's base rate, read once per
// step from the number of steps already taken.
import RealModule

/// A multiplier on the base learning rate as a function of the step index.
///
/// `factor(atStep: t)` is evaluated with t = the number of steps completed
/// before the one being taken (0 for the first step), which is TensorFlow's
/// `global_step` and PyTorch schedulers' `last_epoch` convention.
public indirect enum LearningRateSchedule: Sendable, Equatable {
  /// Factor 1 at every step.
  case constant
  /// Linear warm-up (torch.optim.lr_scheduler.LinearLR with end factor 1):
  /// factor(t) = s + (1 − s) · min(t, N) / N for start factor s and N steps; 1 from step N on.
  case linearWarmup(startFactor: Float, steps: Int)
  /// Exponential decay (tf.train.exponential_decay): factor(t) = r^(t / D), with
  /// t / D floored when `staircase` is true. MetaCVR's authors use D = 10 000,
  /// r = 0.94, staircase.
  case exponentialDecay(rate: Float, decaySteps: Int, staircase: Bool)
  /// The product of two schedules, e.g. a warm-up followed by (and overlapping) a decay.
  case product(LearningRateSchedule, LearningRateSchedule)

  /// The multiplier at step index `t` (0-based, see the type's documentation).
  public func factor(atStep t: Int) -> Float {
    switch self {
    case .constant:
      return 1
    case let .linearWarmup(startFactor, steps):
      guard steps > 0, t < steps else { return 1 }
      return Float(Double(startFactor) + (1 - Double(startFactor)) * Double(t) / Double(steps))
    case let .exponentialDecay(rate, decaySteps, staircase):
      precondition(decaySteps > 0, "LearningRateSchedule: decaySteps must be positive, got \(decaySteps)")
      let exponent = staircase ? Double(t / decaySteps) : Double(t) / Double(decaySteps)
      return Float(Double.pow(Double(rate), exponent))
    case let .product(first, second):
      return first.factor(atStep: t) * second.factor(atStep: t)
    }
  }
}

// What the concrete optimizers share beyond the protocol: a base learning rate,
// its schedule and weight decay, and the walk over the parameters a step updates.
import CVRAutograd

/// An optimizer with a base learning rate, a schedule and a weight-decay coefficient.
///
/// A group's rate at step index t (0-based) is
/// `learningRate · schedule.factor(atStep: t) · group.learningRateScale`;
/// its decay is `group.weightDecay ?? weightDecay`.
public protocol ScheduledOptimizer: Optimizer {
  var learningRate: Float { get set }
  var schedule: LearningRateSchedule { get set }
  var weightDecay: Float { get set }
}

extension ScheduledOptimizer {
  /// The scheduled base rate the next `step()` will use (before group scales).
  public var currentLearningRate: Float { learningRate * schedule.factor(atStep: stepCount) }

  /// Calls `body(p, lr, decay)` for every parameter the step at index `t`
  /// updates: trainable parameters of unfrozen groups that have a gradient.
  /// (One closure call per parameter, none per element.)
  @inline(__always)
  func forEachUpdate(stepIndex t: Int, _ body: (Parameter, _ learningRate: Float, _ weightDecay: Float) -> Void) {
    let base = learningRate * schedule.factor(atStep: t)
    for group in groups where !group.isFrozen {
      let rate = base * group.learningRateScale
      let decay = group.weightDecay ?? weightDecay
      for p in group.parameters where p.isTrainable && p.hasGrad { body(p, rate, decay) }
    }
  }
}

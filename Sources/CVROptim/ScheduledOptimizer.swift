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
    // By index: a debug build's generic iterator over these structs allocates per element.
    for g in 0..<groups.count where !groups[g].isFrozen {
      let rate = base * groups[g].learningRateScale
      let decay = groups[g].weightDecay ?? weightDecay
      let parameters = groups[g].parameters
      for i in 0..<parameters.count where parameters[i].isTrainable && parameters[i].hasGrad {
        body(parameters[i], rate, decay)
      }
    }
  }
}

// Why a training run or an experiment could not start or had to stop.

/// A training or experiment failure, with what to change.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
  /// A setting is out of range or inconsistent.
  case config(String)
  /// The model has nothing to train.
  case noTrainableParameters(model: String)
  /// The loss became NaN or infinite.
  case nonFiniteLoss(model: String, epoch: Int, step: Int)
  /// The data cannot support this run (no rows, no conversion labels, …).
  case data(String)
  /// The loss or the parameters broke `DivergenceRule`; `kept` says which
  /// epoch's resume point is left untouched (nil: none was written).
  case diverged(model: String, epoch: Int, step: Int, problem: String, kept: String?)

  public var description: String {
    switch self {
    case .config(let problem): "configuration: \(problem)"
    case .noTrainableParameters(let model): "\(model): no trainable parameters"
    case .nonFiniteLoss(let model, let epoch, let step):
      "\(model): the loss is not finite at epoch \(epoch), step \(step) (lower learning_rate or clip_norm)"
    case .data(let problem): "data: \(problem)"
    case .diverged(let model, let epoch, let step, let problem, let kept):
      "\(model): training diverged at epoch \(epoch), step \(step): \(problem) (lower learning_rate or clip_norm); "
        + (kept ?? "no epoch had completed, so no checkpoint was written")
    }
  }
}

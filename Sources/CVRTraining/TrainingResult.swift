// What one training run reports: its best epoch, its curves and its speed.

/// The outcome of `Trainer.fit`.
public struct TrainingResult: Sendable, Equatable, Codable {
  /// One evaluated epoch.
  public struct Evaluation: Sendable, Equatable, Codable {
    /// 1-based epoch.
    public var epoch: Int
    public var auc: Double?
    public var logLoss: Double?
  }

  /// The epoch whose parameters the model holds after `fit` (the best validated
  /// one; the last one when there was nothing to validate on).
  public var bestEpoch: Int
  public var bestAUC: Double?
  /// Sample-weighted mean training loss of each epoch run (index = epoch − 1).
  public var trainLoss: [Double]
  public var evaluations: [Evaluation]
  public var epochsRun: Int
  public var steps: Int
  /// Training samples per second over the optimisation steps (evaluation excluded).
  public var samplesPerSecond: Double
  /// Wall seconds of the whole fit, evaluations included.
  public var wallSeconds: Double
  /// Whether training ended on patience (not on maxEpochs).
  public var stoppedEarly: Bool
  /// What early stopping watched (the `evaluations` are of this head).
  public var earlyStopping = EarlyStoppingPolicy.cvrAUC
}

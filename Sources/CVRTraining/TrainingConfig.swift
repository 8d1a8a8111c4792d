// The optimisation settings of one training run (batch size, epochs, Adagrad,
// clipping, early stopping), readable from a partial YAML/JSON object.
import CVRCore
import CVRModels
import Foundation

/// How `Trainer.fit` trains a model. Every key is optional when decoding: a
/// missing key keeps its default, so a config file names only what it changes.
///
/// Defaults follow the MetaCVR paper (§3.1.3) where it speaks and the authors'
/// code (seeds-code.md §1.4) where it does not.
public struct TrainingConfig: Codable, Equatable, Sendable {
  /// Samples per step (paper: 256).
  public var batchSize = 256
  /// Upper bound on epochs; early stopping usually ends sooner.
  public var maxEpochs = 30
  /// Adagrad learning rate (paper: 0.01; the authors' code: 0.008).
  public var learningRate = 0.01
  /// Adagrad's starting accumulator (TensorFlow's 0.1, as in the authors' code).
  public var initialAccumulatorValue = 0.1
  /// Global-norm gradient clip (seeds-code.md §1.4: 5).
  public var clipNorm = 5.0
  /// Evaluations without a validation-AUC gain before training stops (0: never stop early).
  public var patience = 3
  /// Smallest AUC gain that counts as an improvement.
  public var minDelta = 0.0
  /// Evaluate every this many epochs (the last epoch is always evaluated).
  public var evalEvery = 1
  /// Seed of the epoch shuffles and of the tape's dropout masks.
  public var seed: UInt64 = 0
  /// Shuffle the rows every epoch.
  public var shuffle = true
  /// Batch size of validation scoring (inference only: larger is faster).
  public var evalBatchSize = 1024
  /// What early stopping watches on the held-out rows: "auc" (higher is
  /// better) or "log_loss" (lower is better)…
  public var earlyStoppingMetric = "auc"
  /// …of which head: "cvr" (against conversions, on held-out clicked rows),
  /// "ctr" (clicks) or "ctcvr" (click ∧ conversion), both on held-out exposures;
  /// the model must have that head.
  public var earlyStoppingTask = "cvr"
  /// The optimizer `Trainer.configured` builds: "adagrad" (MetaCVR §3.1.3, the
  /// default) or "adam" (β = 0.9, 0.999, ε = 1e-8), both at `learning_rate`.
  public var optimizer = "adagrad"
  /// N > 0: early stopping watches the clicked rows of the last N days of the
  /// model's training split instead of the seeded random holdout, and the model
  /// trains on the days before (a temporal holdout, read by the experiment runner;
  /// `Trainer.fit` only sees the rows it is given). 0 (default): the random holdout.
  public var earlyStoppingLastDays = 0

  public init() {}

  enum CodingKeys: String, CodingKey {
    case batchSize = "batch_size", maxEpochs = "max_epochs", learningRate = "learning_rate"
    case initialAccumulatorValue = "initial_accumulator_value", clipNorm = "clip_norm", patience
    case minDelta = "min_delta", evalEvery = "eval_every", seed, shuffle, evalBatchSize = "eval_batch_size"
    case earlyStoppingMetric = "early_stopping_metric", earlyStoppingTask = "early_stopping_task"
    case optimizer, earlyStoppingLastDays = "early_stopping_last_days"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = TrainingConfig()
    batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
    maxEpochs = try c.decodeIfPresent(Int.self, forKey: .maxEpochs) ?? d.maxEpochs
    learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
    initialAccumulatorValue = try c.decodeIfPresent(Double.self, forKey: .initialAccumulatorValue)
      ?? d.initialAccumulatorValue
    clipNorm = try c.decodeIfPresent(Double.self, forKey: .clipNorm) ?? d.clipNorm
    patience = try c.decodeIfPresent(Int.self, forKey: .patience) ?? d.patience
    minDelta = try c.decodeIfPresent(Double.self, forKey: .minDelta) ?? d.minDelta
    evalEvery = try c.decodeIfPresent(Int.self, forKey: .evalEvery) ?? d.evalEvery
    seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    shuffle = try c.decodeIfPresent(Bool.self, forKey: .shuffle) ?? d.shuffle
    evalBatchSize = try c.decodeIfPresent(Int.self, forKey: .evalBatchSize) ?? d.evalBatchSize
    earlyStoppingMetric = try c.decodeIfPresent(String.self, forKey: .earlyStoppingMetric) ?? d.earlyStoppingMetric
    earlyStoppingTask = try c.decodeIfPresent(String.self, forKey: .earlyStoppingTask) ?? d.earlyStoppingTask
    optimizer = try c.decodeIfPresent(String.self, forKey: .optimizer) ?? d.optimizer
    earlyStoppingLastDays = try c.decodeIfPresent(Int.self, forKey: .earlyStoppingLastDays) ?? d.earlyStoppingLastDays
  }

  /// The keys a config object may hold (anything else is a typo).
  public static var keys: [String] {
    [CodingKeys.batchSize, .maxEpochs, .learningRate, .initialAccumulatorValue, .clipNorm, .patience, .minDelta,
     .evalEvery, .seed, .shuffle, .evalBatchSize, .earlyStoppingMetric, .earlyStoppingTask, .optimizer,
     .earlyStoppingLastDays].map(\.rawValue)
  }

  /// Throws `TrainingError.config` naming the first value out of range.
  public func validate() throws {
    func need(_ ok: Bool, _ what: String) throws { if !ok { throw TrainingError.config(what) } }
    try need(batchSize >= 1, "batch_size must be at least 1, got \(batchSize)")
    try need(maxEpochs >= 1, "max_epochs must be at least 1, got \(maxEpochs)")
    try need(learningRate > 0 && learningRate.isFinite, "learning_rate must be positive, got \(learningRate)")
    try need(initialAccumulatorValue >= 0, "initial_accumulator_value must be ≥ 0")
    try need(clipNorm > 0, "clip_norm must be positive, got \(clipNorm)")
    try need(patience >= 0, "patience must be ≥ 0, got \(patience)")
    try need(minDelta >= 0, "min_delta must be ≥ 0")
    try need(evalEvery >= 1, "eval_every must be at least 1, got \(evalEvery)")
    try need(evalBatchSize >= 1, "eval_batch_size must be at least 1")
    try need(earlyStoppingLastDays >= 0, "early_stopping_last_days must be ≥ 0, got \(earlyStoppingLastDays)")
    try need(Self.optimizers.contains(optimizer),
             "optimizer must be \(Self.optimizers.joined(separator: " or ")), got '\(optimizer.prefix(80))'")
    _ = try earlyStoppingPolicy()
  }

  /// The `optimizer` values `Trainer.configured` knows.
  public static let optimizers = ["adagrad", "adam"]

  /// The early-stopping criterion these settings name.
  public func earlyStoppingPolicy() throws -> EarlyStoppingPolicy {
    guard let metric = EarlyStoppingPolicy.Metric(rawValue: earlyStoppingMetric) else {
      throw TrainingError.config("early_stopping_metric must be auc or log_loss, got '\(earlyStoppingMetric.prefix(80))'")
    }
    guard let head = PredictionHead(rawValue: earlyStoppingTask) else {
      throw TrainingError.config("early_stopping_task must be cvr, ctr or ctcvr, got '\(earlyStoppingTask.prefix(80))'")
    }
    return EarlyStoppingPolicy(metric: metric, head: head)
  }

  /// This config with the keys of `overrides` (a JSON object) replaced.
  /// Throws `TrainingError.config` for an unknown key or a value of the wrong type.
  public func overriding(with overrides: JSONValue) throws -> TrainingConfig {
    guard case .object(let changes) = overrides else {
      throw TrainingError.config("training overrides must be an object of keys \(Self.keys.joined(separator: ", "))")
    }
    if let unknown = changes.keys.sorted().first(where: { !Self.keys.contains($0) }) {
      throw TrainingError.config("unknown training key '\(unknown)' (known: \(Self.keys.joined(separator: ", ")))")
    }
    guard case .object(var merged) = try JSONValue(encoding: self) else { return self }
    for (key, value) in changes { merged[key] = value }
    do { return try JSONValue.object(merged).decode(TrainingConfig.self) } catch {
      // The key and the value as written, not Swift's DecodingError text.
      if case .typeMismatch(let type, let context)? = error as? DecodingError, let key = context.codingPath.first?.stringValue {
        let wanted = type == Bool.self ? "true or false" : type == Double.self ? "a number" : type == Int.self ? "an integer" : "\(type)"
        let value = changes[key].map { "\($0)" } ?? "nothing"
        throw TrainingError.config("\(key): expected \(wanted), got \(value.count > 80 ? String(value.prefix(80)) + "…" : value)")
      }
      throw TrainingError.config("training overrides \(overrides): \(error)")
    }
  }
}

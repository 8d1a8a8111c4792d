// Where a training run stands at the end of an epoch, beyond its tensors: the
// epoch, the dropout generator, the early-stopping bookkeeping and the curves.
// An epoch checkpoint stores it so a killed run resumes exactly.
import CVRCore

/// The scalar state of `Trainer.fit` after `epoch` completed epochs.
///
/// With the model's parameters, the best snapshot and the optimizer's state
/// (saved beside it), this is everything the next epoch depends on: the data
/// order of epoch e is a function of (seed, e) alone, so resuming needs no
/// loader state beyond `epoch`.
public struct TrainingState: Codable, Equatable, Sendable {
  /// Epochs completed (the next one is epoch + 1, 1-based).
  public var epoch = 0
  /// The training tape's generator (dropout masks), as four words in hexadecimal
  /// (JSON numbers would not carry 64 bits through every reader).
  public var rng: [String] = []
  public var steps = 0
  public var samples = 0
  /// Seconds spent in optimisation steps (samples/s) and in the whole fit so far: timings only.
  public var stepSeconds = 0.0
  public var wallSeconds = 0.0
  public var trainLoss: [Double] = []
  public var evaluations: [TrainingResult.Evaluation] = []
  /// Early stopping: the best watched value (larger is better), its AUC and
  /// epoch, evaluations since, whether the snapshot holds a capture.
  public var bestScore: Double?
  public var bestAUC: Double?
  public var bestEpoch = 0
  public var sinceBest = 0
  public var hasBest = false
  public var stoppedEarly = false
  /// The loop is over (max epochs reached or stopped early): resuming only restores the best epoch.
  public var finished = false

  public init() {}

  /// The generator these words encode (nil when they do not encode one).
  public var generator: SeededGenerator? {
    let words = rng.compactMap { UInt64($0, radix: 16) }
    guard words.count == rng.count else { return nil }
    return SeededGenerator(state: words)
  }

  public mutating func record(_ generator: SeededGenerator) {
    rng = generator.state.map { String($0, radix: 16) }
  }
}

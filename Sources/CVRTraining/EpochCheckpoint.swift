// The resume point of one training run: a checkpoint file rewritten at the end
// of every epoch with the parameters, the best snapshot, the optimizer's state
// and the `TrainingState`, so a killed run continues from its last epoch.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVROptim
import Foundation

/// A file-backed resume point for `Trainer.fit`.
///
/// The file is an ordinary checkpoint (docs/checkpoints.md) of kind
/// "training-state" whose config is `identity` (model, seed, training
/// settings), whose tensors are the model's parameters followed by the best
/// snapshot ("best/<name>"), with the optimizer's state and a `training`
/// header member holding the `TrainingState`. It is replaced atomically, so
/// after a kill it holds the last completed epoch, whole.
public struct EpochCheckpoint: Sendable {
  public static let kind = "training-state"
  public let url: URL
  /// What the run is: a file written for another model, seed or setting is refused, naming the keys.
  public let identity: JSONValue

  public init(url: URL, identity: JSONValue) {
    self.url = url
    self.identity = identity
  }

  /// Whether a resume point exists.
  public var exists: Bool { FileManager.default.fileExists(atPath: url.path) }

  /// Atomically replaces the file with `state` and the tensors.
  public func save(_ state: TrainingState, parameters: [Parameter], best: [Parameter], optimizer: any Optimizer) throws {
    try Checkpoint.save(to: url, kind: Self.kind, config: identity, seed: 0, step: state.steps,
                        parameters: parameters + best, optimizer: optimizer, training: try JSONValue(encoding: state))
  }

  /// Loads the file into the parameters, the snapshot and the optimizer (all
  /// checks first: a refused file changes nothing) and returns its state; nil
  /// when there is no file.
  public func restore(parameters: [Parameter], best: [Parameter], optimizer: any Optimizer) throws -> TrainingState? {
    guard exists else { return nil }
    let header = try Checkpoint.load(from: url, into: parameters + best, optimizer: optimizer,
                                     expecting: Self.kind, config: identity)
    guard let training = header.training, let state = try? training.decode(TrainingState.self),
      state.generator != nil
    else {
      throw TrainingError.config("\(url.path): the resume point has no readable training state (delete it to start this model over)")
    }
    return state
  }

  /// Deletes the file (the model finished and its final checkpoint is written).
  public func remove() throws {
    guard exists else { return }
    try FileManager.default.removeItem(at: url)
  }
}

// What every trainable CVR model offers the trainer, the evaluator, the
// checkpoint writer and `cvr predict`: a loss on a batch, a CVR score per
// sample, its parameters and its configuration.
import CVRAutograd
import CVRCheckpoint
import CVRData

/// A conversion-rate model trained by gradient descent on batches.
///
/// The trainer calls `loss` with a recording tape, then `backward`, clipping and
/// the optimizer over `trainableParameters`; evaluation calls `predictCVR`
/// with `isTraining = false` on a tape that does not record.
public protocol CVRModel: AnyObject {
  /// The checkpoint kind ("BASE", "MetaCVR", "DCN", "ESMM", …); `ModelRegistry` rebuilds it from this.
  var kind: String { get }
  /// The name in reports and metrics.json ("BASE", "BASE-F", "MetaCVR-SPDM", …).
  var displayName: String { get }
  /// Every parameter, trainable, frozen and state, in a stable order (checkpoints).
  var parameters: [Parameter] { get }
  /// Training mode (dropout on, batch norm on batch statistics) or inference mode.
  var isTraining: Bool { get set }
  /// The rows the model trains on: clicked rows (CVR models) or every exposure
  /// (entire-space models: ESMM, ESM2, ESDF).
  var trainingSpace: Space { get }
  /// The model's configuration as stored in its checkpoint (`ModelRegistry` decodes it).
  var configuration: JSONValue { get }

  /// The mean training loss over the batch's `count` samples, recorded on `tape` (a scalar).
  func loss(_ batch: Batch, _ tape: Tape) -> Tensor

  /// p(conversion | click, x) for each of the batch's `count` samples, written to `out[0..<count]`.
  /// Entire-space models return their CVR tower's probability.
  func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>)
}

extension CVRModel {
  /// The parameters an optimizer updates (not frozen, not state).
  public var trainableParameters: [Parameter] { parameters.filter { $0.requiresGrad && !$0.isState } }

  /// Scores `batch` without recording: inference mode for the call, the previous mode restored.
  public func scoreCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    let wasTraining = isTraining
    isTraining = false
    defer { isTraining = wasTraining }
    tape.reset()
    tape.withoutRecording { predictCVR(batch, tape, into: out) }
  }
}

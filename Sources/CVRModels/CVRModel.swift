// What every trainable CVR model offers the trainer, the evaluator, the
// checkpoint writer and the scorers: a loss on a batch, per-sample
// probabilities for the heads it has, its layers and its configuration.
import CVRAutograd
import CVRCore
import CVRData
import CVRLayers

/// A probability a model can predict for each sample.
public enum PredictionHead: String, CaseIterable, Codable, Sendable {
  /// p(click | impression, x).
  case ctr
  /// p(conversion | click, x): every model has it.
  case cvr
  /// p(click ∧ conversion | impression, x) = pCTR · pCVR.
  case ctcvr
}

/// Where `CVRModel.predict` writes: one buffer of the batch's `count` floats per
/// head asked for; nil heads are not computed.
public struct PredictionOutputs {
  public var ctr: UnsafeMutablePointer<Float>?
  public var cvr: UnsafeMutablePointer<Float>?
  public var ctcvr: UnsafeMutablePointer<Float>?

  public init(ctr: UnsafeMutablePointer<Float>? = nil, cvr: UnsafeMutablePointer<Float>? = nil,
              ctcvr: UnsafeMutablePointer<Float>? = nil) {
    self.ctr = ctr
    self.cvr = cvr
    self.ctcvr = ctcvr
  }

  public subscript(head: PredictionHead) -> UnsafeMutablePointer<Float>? {
    get {
      switch head {
      case .ctr: ctr
      case .cvr: cvr
      case .ctcvr: ctcvr
      }
    }
    set {
      switch head {
      case .ctr: ctr = newValue
      case .cvr: cvr = newValue
      case .ctcvr: ctcvr = newValue
      }
    }
  }

  /// Whether only the CVR head is asked for (the common case: one tower to run).
  public var onlyCVR: Bool { ctr == nil && ctcvr == nil }
}

/// A conversion-rate model trained by gradient descent on batches.
///
/// The trainer calls `loss` on a recording training tape, then `backward`,
/// clipping and the optimizer over `trainableParameters`; evaluation and
/// serving call `predict` on an inference tape (`Tape(recording: false)`). The
/// model holds no per-call state: the mode is the tape's, so one model may
/// score on several threads at once, each with its own tape.
///
/// Its parameters come from its layers (`Layer.children`), in a stable order.
public protocol CVRModel: Layer {
  /// The checkpoint kind ("BASE", "MetaCVR", "DCN", "ESMM", …); `ModelKinds` rebuilds it from this.
  var kind: String { get }
  /// The name in reports and metrics.json ("BASE", "BASE-F", "MetaCVR-SPDM", …).
  var displayName: String { get }
  /// The rows the model trains on: clicked rows (CVR models) or every exposure
  /// (entire-space models: ESMM, ESM2, ESDF).
  var trainingSpace: Space { get }
  /// The model's configuration as stored in its checkpoint (`ModelKinds` decodes it).
  var configuration: JSONValue { get }
  /// The heads `predict` can fill, `.cvr` always among them.
  var heads: [PredictionHead] { get }

  /// The mean training loss over the batch's `count` samples, recorded on `tape` (a scalar).
  func loss(_ batch: Batch, _ tape: Tape) -> Tensor

  /// p(conversion | click, x) for each of the batch's `count` samples, written to `out[0..<count]`.
  /// Entire-space models return their CVR tower's probability.
  func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>)

  /// Each requested head's probability for the batch's samples (heads the model
  /// lacks are left untouched; ask `heads` first).
  func predict(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs)
}

extension CVRModel {
  public var heads: [PredictionHead] { [.cvr] }

  public func predict(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs) {
    if let cvr = outputs.cvr { predictCVR(batch, tape, into: cvr) }
  }

  /// The requested heads of `batch` as inference on `tape` (reset first; nothing
  /// recorded, dropout off, batch norm on running statistics). The model is not
  /// touched. CVR alone runs `predictCVR`, so a multi-tower model evaluates one tower.
  public func score(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs) {
    tape.reset()
    tape.inference {
      if outputs.onlyCVR, let cvr = outputs.cvr { predictCVR(batch, tape, into: cvr) } else { predict(batch, tape, into: outputs) }
    }
  }

  /// `score` of the CVR head alone.
  public func scoreCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    score(batch, tape, into: PredictionOutputs(cvr: out))
  }
}

// The detached values an entire-space baseline's loss reads as constants (the click
// propensity, DDPO's pseudo-labels), and a way to hold them fixed: what a
// finite-difference check of a loss with stop-gradients needs.
import CVRAutograd
import CVRData

/// The detached per-sample inputs of a loss, as plain numbers (each `count` long).
public struct HeldInputs: Sendable {
  /// ô = pCTR before clipping.
  public var propensity: [Float]
  /// The CVR logits where the loss reads them detached (DR's imputation step fixes the prediction).
  public var cvrLogits: [Float]?
  /// The imputation tower's logits where the loss reads them detached (DR's prediction step).
  public var imputationLogits: [Float]?
  /// Detached pseudo-labels (DDPO's conversion propensity r^c), when the model has them.
  public var pseudoLabels: [Float]?

  public init(propensity: [Float], cvrLogits: [Float]? = nil, imputationLogits: [Float]? = nil,
              pseudoLabels: [Float]? = nil) {
    self.propensity = propensity
    self.cvrLogits = cvrLogits
    self.imputationLogits = imputationLogits
    self.pseudoLabels = pseudoLabels
  }
}

/// A model whose loss reads detached values of its own towers.
///
/// `loss(batch, tape)` is `loss(batch, tape, holding: nil)`: the detached values come
/// from the current parameters. With `holding:` they are the given numbers, so the
/// loss is a function whose derivative is the tape's gradient (a stop-gradient is a
/// constant only while it is held) and finite differences can check it.
public protocol HoldsDetachedInputs: CVRModel {
  /// The detached values the loss of `batch` reads at the current parameters, computed
  /// in inference mode (the loss's own when the towers have no dropout or batch norm).
  func heldInputs(_ batch: Batch) -> HeldInputs
  func loss(_ batch: Batch, _ tape: Tape, holding: HeldInputs?) -> Tensor
}

extension HeldInputs {
  /// `propensity` as a constant [n] on `tape`.
  func propensityTensor(_ tape: Tape) -> Tensor { tape.constant(propensity, Shape(propensity.count)) }

  /// Values as a constant [n] on `tape`, or nil.
  static func constant(_ values: [Float]?, _ tape: Tape) -> Tensor? {
    values.map { tape.constant($0, Shape($0.count)) }
  }
}

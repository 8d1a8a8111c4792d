// MetaCVR's Ensemble Prediction Network (§2.5, Eq. 6): one fully connected
// unit on the base logit and the occasions' distance differences.
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers

/// logit = f_e(s_b, {s_occ}) = w_b·s_b + Σ_occ w_occ·s_occ + c, y = σ(logit) (MetaCVR Eq. 6).
///
/// s_b is the base logit f_b(F(x)) (before σ), as in the authors' code
/// (`EPN(logit_b, m)`, seeds-code.md §1.5, §1.7); Eq. 6 writes s_b = f_b(F(x))
/// and calls it "the CVR prediction of the base model".
///
/// Initialised w_b = 1, w_occ = 0, c = 0, so stage 2 starts exactly at BASE's
/// prediction and can only move away from it where the occasions' distances
/// help; a random start would first have to relearn the base score.
///
/// With `batchNorm` (the authors' code: BN on the logit, no bias, center only,
/// seeds-code.md §1.7) the unit is BN(w·[s_b; s]) with a learnable shift and no
/// gain; it no longer starts at BASE's prediction. Default off.
///
/// Shapes: s_b [n, 1], s [n, K] → logit [n, 1].
/// Parameter names: `epn.weight` [1, 1 + K], `epn.bias` [1] (or `epn.bn.*` with batchNorm).
public final class EnsemblePredictionNetwork: Layer {
  public let linear: Linear
  public let norm: CVRLayers.BatchNorm?

  public init(occasions: Int, batchNorm: Bool, name: String = "epn", rng: inout SeededGenerator) {
    linear = Linear(1 + occasions, 1, bias: !batchNorm, name: name, rng: &rng)
    linear.weight.value.update(repeating: 0)
    linear.weight.value[0] = 1
    norm = batchNorm ? CVRLayers.BatchNorm(1, name: "\(name).bn") : nil
    // The authors' BN has scale = False: keep the gain at 1, train only the shift.
    norm?.gain.requiresGrad = false
  }

  public var children: [any Layer] { [linear] + (norm.map { [$0] } ?? []) }

  public func callAsFunction(baseLogit: Tensor, occasionScores: Tensor, _ tape: Tape) -> Tensor {
    let z = linear(tape.concat([baseLogit, occasionScores], axis: 1), tape)
    return norm.map { $0(z, tape) } ?? z
  }
}

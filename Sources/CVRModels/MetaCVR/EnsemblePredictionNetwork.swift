// MetaCVR's Ensemble Prediction Network (§2.5, Eq. 6): one fully connected
// unit on the base logit and the (merged) occasion scores, optionally told the
// sample's occasion (beyond the paper).
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers

/// logit = f_e(s_b, m) = w_b·s_b + Σ_j w_j·m_j + c, y = σ(logit) (MetaCVR Eq. 6,
/// m = the merged occasion scores; with no merge m = {s_occ}).
///
/// s_b is the base logit f_b(F(x)) (before σ), as in the authors' code
/// (`EPN(logit_b, m)`, seeds-code.md §1.5, §1.7); Eq. 6 writes s_b = f_b(F(x))
/// and calls it "the CVR prediction of the base model".
///
/// Initialised w_b = 1, c = 0 and w_j = `initialOccasionWeight` [ours]. With 0
/// (the paper's reading, `Config.paper`) stage 2 starts exactly at BASE, but the
/// DMN's parameters get no gradient until w_j has moved (∂logit/∂s = w); a
/// small non-zero start (default 0.01 on standardised scores) moves the start
/// by about 0.01 logit per unit score and lets the metric learn from step 1.
///
/// Beyond the paper (`OccasionInput`): `.offsets` adds a learned o_{occ(x)}
/// (`epn.occasion_offset` [K], init 0); `.ownScore` appends ŝ_{occ(x)}, the
/// sample's own occasion's score, as one more input (weight init as w_j).
///
/// With `batchNorm` (the authors' code: BN on the logit, no bias, center only,
/// seeds-code.md §1.7) the unit is BN(w·[s_b; m]) with a learnable shift and no
/// gain; it no longer starts at BASE's prediction. Default off.
///
/// Shapes: s_b [n, 1], m [n, M], own [n, 1], one-hot occasions [n, K] → logit [n, 1].
/// Parameter names: `epn.weight` [1, 1 + M (+1)], `epn.bias` [1] (or `epn.bn.*`), `epn.occasion_offset` [K].
public final class EnsemblePredictionNetwork: Layer {
  public let linear: Linear
  public let norm: CVRLayers.BatchNorm?
  public let occasionOffset: Parameter?
  public let occasionInput: OccasionInput

  /// - Parameters:
  ///   - inputs: M, the width of the merged occasion scores.
  public init(inputs: Int, occasions: Int, batchNorm: Bool, initialOccasionWeight: Float = 0,
              occasionInput: OccasionInput = .none, name: String = "epn", rng: inout SeededGenerator) {
    self.occasionInput = occasionInput
    let width = 1 + inputs + (occasionInput == .ownScore ? 1 : 0)
    linear = Linear(width, 1, bias: !batchNorm, name: name, rng: &rng)
    linear.weight.value.update(repeating: initialOccasionWeight)
    linear.weight.value[0] = 1
    norm = batchNorm ? CVRLayers.BatchNorm(1, name: "\(name).bn") : nil
    // The authors' BN has scale = False: keep the gain at 1, train only the shift.
    norm?.gain.requiresGrad = false
    occasionOffset = occasionInput == .offsets ? Parameter("\(name).occasion_offset", shape: Shape(occasions)) : nil
  }

  public var ownParameters: [Parameter] { occasionOffset.map { [$0] } ?? [] }
  public var children: [any Layer] { [linear] + (norm.map { [$0] } ?? []) }

  /// - Parameters:
  ///   - ownScore: ŝ_{occ(x)} [n, 1] (`.ownScore` only).
  ///   - occasionOneHot: [n, K] (`.offsets` only).
  public func callAsFunction(baseLogit: Tensor, occasionScores: Tensor, ownScore: Tensor? = nil,
                             occasionOneHot: Tensor? = nil, _ tape: Tape) -> Tensor {
    let inputs = occasionInput == .ownScore ? [baseLogit, occasionScores, ownScore!] : [baseLogit, occasionScores]
    var z = linear(tape.concat(inputs, axis: 1), tape)
    if let occasionOffset {
      let k = occasionOffset.shape[0]
      z = tape.add(z, tape.matmul(occasionOneHot!, tape.param(occasionOffset).reshaped(Shape(k, 1))))
    }
    return norm.map { $0(z, tape) } ?? z
  }
}

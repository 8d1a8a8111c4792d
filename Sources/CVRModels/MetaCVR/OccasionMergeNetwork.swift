// MetaCVR's stage 2 between the DMN and the EPN: the scaling of the occasion
// scores s_occ and the authors' ways of merging them (seeds-code.md §1.5).
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers

/// s [n, K] → (normalised) → m [n, M], M = K for `.none`, else 1.
///
/// Normalisation ([ours], `ScoreNormalization`):
/// - `.standardize`: ŝ_occ = (s_occ − μ_occ)·r_occ with μ and r = 1/σ fixed state
///   (`dmn.norm.mean`, `dmn.norm.inverse_std` [K]) set by `setStatistics` from the
///   stage-2 training rows before training; identity until then.
/// - `.batchNorm`: BatchNorm over the batch, learned gain and shift (`dmn.norm.bn.*`).
///
/// Merges (the authors' `merge_type`, seeds-code.md §1.5; widths not released):
/// - `.none` (`nomerge`, Eq. 6): m = ŝ, K values.
/// - `.fc`: m = w₂ᵀ LeakyReLU₀.₂(W₁ ŝ + b₁) + b₂ (`dmn.merge.fc.{hidden,output}`);
///   the code puts BN after W₁, left out so one sample scores alone.
/// - `.max`: m = max_occ ŝ_occ; its gradient reaches only the arg-max occasion
///   (the first on ties), the sub-gradient of max.
/// - `.mean`: m = (1/K) Σ_occ ŝ_occ.
/// - `.occaware`: w = softmax(V ReLU(U g + a) + c) over occasions, m = Σ_occ w_occ ŝ_occ,
///   g the sample's layer the DMN reads (`dmn.merge.occaware.{hidden,output}`);
///   one hidden layer (the code's loop bug applies only its last hidden layer anyway).
///
/// Shapes: s [n, K], g [n, D] → m [n, M].
public final class OccasionMergeNetwork: Layer {
  public let merge: OccasionMerge
  public let normalization: ScoreNormalization
  public let occasions: Int
  /// μ_occ and 1/σ_occ (`.standardize`).
  public let mean: Parameter?
  public let inverseStd: Parameter?
  public let batchNorm: CVRLayers.BatchNorm?
  public let fcHidden: Linear?, fcOutput: Linear?
  public let awareHidden: Linear?, awareOutput: Linear?
  public static let fcSlope: Float = 0.2

  public init(merge: OccasionMerge, normalization: ScoreNormalization, occasions: Int, inputDim: Int, hidden: Int,
              name: String = "dmn", rng: inout SeededGenerator) {
    self.merge = merge
    self.normalization = normalization
    self.occasions = occasions
    if normalization == .standardize {
      mean = Parameter("\(name).norm.mean", shape: Shape(occasions), isState: true)
      let inverse = Parameter("\(name).norm.inverse_std", shape: Shape(occasions), isState: true)
      inverse.fill { 1 }
      inverseStd = inverse
    } else {
      (mean, inverseStd) = (nil, nil)
    }
    batchNorm = normalization == .batchNorm ? CVRLayers.BatchNorm(occasions, name: "\(name).norm.bn") : nil
    if merge == .fc {
      fcHidden = Linear(occasions, hidden, name: "\(name).merge.fc.hidden", rng: &rng)
      fcOutput = Linear(hidden, 1, name: "\(name).merge.fc.output", rng: &rng)
    } else {
      (fcHidden, fcOutput) = (nil, nil)
    }
    if merge == .occaware {
      awareHidden = Linear(inputDim, hidden, name: "\(name).merge.occaware.hidden", rng: &rng)
      awareOutput = Linear(hidden, occasions, name: "\(name).merge.occaware.output", rng: &rng)
    } else {
      (awareHidden, awareOutput) = (nil, nil)
    }
  }

  public var ownParameters: [Parameter] { [mean, inverseStd].compactMap { $0 } }

  public var children: [any Layer] {
    ([batchNorm, fcHidden, fcOutput, awareHidden, awareOutput] as [(any Layer)?]).compactMap { $0 }
  }

  /// How many values `callAsFunction` returns per sample.
  public var width: Int { merge.width(occasions: occasions) }

  /// Sets μ_occ and 1/σ_occ (σ floored at 1e-6 of the largest σ, or 1e-12) (`.standardize` only).
  public func setStatistics(mean values: [Double], std: [Double]) {
    guard let mean, let inverseStd else { return }
    precondition(values.count == occasions && std.count == occasions, "setStatistics: \(values.count), \(std.count) for K = \(occasions)")
    let floor = max((std.max() ?? 0) * 1e-6, 1e-12)
    for k in 0..<occasions {
      mean.value[k] = Float(values[k])
      inverseStd.value[k] = Float(1 / max(std[k], floor))
    }
  }

  /// ŝ [n, K]: s after the normalisation.
  public func normalized(_ s: Tensor, _ tape: Tape) -> Tensor {
    switch normalization {
    case .none: return s
    case .standardize: return tape.mul(tape.sub(s, tape.param(mean!)), tape.param(inverseStd!))
    case .batchNorm: return batchNorm!(s, tape)
    }
  }

  /// m [n, M] from already normalised scores ŝ [n, K] and the sample's layer g [n, D].
  public func merged(_ scores: Tensor, layer g: Tensor, _ tape: Tape) -> Tensor {
    let n = scores.shape[0]
    switch merge {
    case .none: return scores
    case .mean: return tape.mean(scores, axis: 1).reshaped(Shape(n, 1))
    case .max:
      let mask = tape.zeros(Shape(n, occasions))
      for i in 0..<n {
        var best = 0
        for k in 1..<max(occasions, 1) where scores.data[i * occasions + k] > scores.data[i * occasions + best] { best = k }
        mask.data[i * occasions + best] = 1
      }
      return tape.sum(tape.mul(scores, mask), axis: 1).reshaped(Shape(n, 1))
    case .fc:
      return fcOutput!(tape.leakyRelu(fcHidden!(scores, tape), slope: Self.fcSlope), tape)
    case .occaware:
      let weights = tape.maskedSoftmax(awareOutput!(tape.relu(awareHidden!(g, tape)), tape), mask: nil)
      return tape.sum(tape.mul(weights, scores), axis: 1).reshaped(Shape(n, 1))
    }
  }

  /// m [n, M] = merge(normalise(s)).
  public func callAsFunction(_ s: Tensor, layer g: Tensor, _ tape: Tape) -> Tensor {
    merged(normalized(s, tape), layer: g, tape)
  }
}

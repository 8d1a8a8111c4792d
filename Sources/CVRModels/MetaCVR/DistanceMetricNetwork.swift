// MetaCVR's Distance Metric Network (§2.4): the distance of each sample's F(x)
// to every occasion's prototype pair, and s_occ = d⁺ − d⁻, batched over samples.
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers

/// d(F(x), p_occ^±) for every occasion, and s_occ = d⁺_occ − d⁻_occ (Eq. 6).
///
/// - SPDM (Eq. 4): d = F(x)ᵀ W_occ p + b_occ, one W_occ [D, D] and scalar b_occ
///   per occasion. Initialised W = I, b = 0, so SPDM starts as the cosine
///   distance on unit vectors (the paper's remark under Eq. 4) and stage 2
///   starts from a meaningful metric rather than noise. b_occ is shared by d⁺
///   and d⁻, so it cancels in s_occ: it is kept for Eq. 4's d but gets no gradient.
///   Batched: M = P Wᵀ per occasion ([K, 2, D], the rows (W_occ p)ᵀ) by one
///   batched product, then d = F Mᵀ [n, 2K]: K·2·D² + n·2K·D multiply-adds
///   instead of n·K·D² for F W_occ per sample.
/// - NNDM (Eq. 5): printed as d = W_occ [F(x); p] + b_occ. Taken literally, W_occ
///   = [W_F | W_p] is linear and shared by p⁺ and p⁻, so s_occ = d⁺ − d⁻ =
///   W_p (p⁺ − p⁻): the same constant for every sample, which the EPN could not
///   tell from its bias. Eq. 5 therefore cannot be linear as printed. It cites
///   the Relation Network, whose relation module is an MLP, and the authors'
///   "concat" variant is act(BN(W [c; h])) (seeds-code.md §1.5). We implement
///   the Relation-Network reading d = w₂ᵀ ReLU(W₁ [F(x); p] + b₁) + b₂ per
///   occasion, hidden width `nndmHidden` (b₂ cancels in s like SPDM's b).
///   Batched: W₁ = [A | B]; A F for all occasions is one [n, D]·[D, K·H] product,
///   B p + b₁ one small batched product, broadcast over samples.
/// - mulrelanet (the authors' code, seeds-code.md §1.5): d⁺ = act(F(x)ᵀ W⁺_occ p⁺)
///   + b_occ, d⁻ = act(F(x)ᵀ W⁻_occ p⁻), so s_occ = d⁺ − d⁻ = p_k − n_k + b_k as coded
///   (b_occ sits on the positive side so it survives the difference). W⁺ and W⁻
///   are separate [D, D] maps (the code's W_P, W_N; (W h)ᵀ c = hᵀ Wᵀ c, the same
///   family), initialised to I like SPDM. act = LeakyReLU with slope 0.2: the
///   code's config names `lrelu` (seeds-code.md §1.5, §4 "config says lrelu"),
///   0.2 is TensorFlow's `leaky_relu` default; a plain ReLU would cut every
///   gradient of a sample whose bilinear term is negative (common once centred).
///   Batched as SPDM: M = P Wᵀ for the 2K (occasion, class) pairs, d = act(F Mᵀ).
/// - cosine: d = cos(F(x), p) (F(x) and p are L2-normalised first). No parameters.
/// - Euclidean: d = −‖F(x) − p‖² = 2 F·p − ‖F‖² − ‖p‖². No parameters. With unit
///   F(x) (Norm = L2) and unit prototypes it equals 2·cos − 2, so s_occ is twice
///   the cosine's s_occ; the two differ only with `.layerNorm`.
///
/// Shapes: F [n, D], prototypes [K, 2, D] (a constant) → s [n, K]; distances [n, K, 2].
/// Parameter names: `dmn.spdm.weight` [K, D, D] (row-major W_occ), `dmn.spdm.bias` [K];
/// `dmn.mulrelanet.weight` [K, 2, D, D] (W⁺_occ, W⁻_occ), `dmn.mulrelanet.bias` [K];
/// `dmn.nndm.sample_weight` [K·H, D] (A), `dmn.nndm.prototype_weight` [K, H, D] (B),
/// `dmn.nndm.hidden_bias` [K, 1, H], `dmn.nndm.output_weight` [K, 1, H], `dmn.nndm.output_bias` [K, 1].
public final class DistanceMetricNetwork: Layer {
  public let metric: DistanceMetric
  public let occasions: Int
  public let dim: Int
  public let hidden: Int
  public let ownParameters: [Parameter]

  /// - Parameters:
  ///   - hidden: NNDM's hidden width H (ignored by the other metrics).
  public init(metric: DistanceMetric, occasions: Int, dim: Int, hidden: Int, name: String = "dmn",
              rng: inout SeededGenerator) {
    self.metric = metric
    self.occasions = occasions
    self.dim = dim
    self.hidden = hidden
    switch metric {
    case .spdm:
      let weight = Parameter("\(name).spdm.weight", shape: Shape(occasions, dim, dim))
      for k in 0..<occasions { for j in 0..<dim { weight.value[(k * dim + j) * dim + j] = 1 } }
      ownParameters = [weight, Parameter("\(name).spdm.bias", shape: Shape(occasions))]
    case .mulrelanet:
      let weight = Parameter("\(name).mulrelanet.weight", shape: Shape(occasions, 2, dim, dim))
      for m in 0..<(2 * occasions) { for j in 0..<dim { weight.value[(m * dim + j) * dim + j] = 1 } }
      ownParameters = [weight, Parameter("\(name).mulrelanet.bias", shape: Shape(occasions))]
    case .nndm:
      // Xavier-uniform for W₁ over its whole [H, 2D] fan, w₂ over [1, H] (Relation Network's MLP init).
      let sample = Parameter("\(name).nndm.sample_weight", shape: Shape(occasions * hidden, dim))
      let prototype = Parameter("\(name).nndm.prototype_weight", shape: Shape(occasions, hidden, dim))
      let limit1 = (6 / Float(2 * dim + hidden)).squareRoot()
      sample.fill { rng.nextFloat(in: -limit1, limit1) }
      prototype.fill { rng.nextFloat(in: -limit1, limit1) }
      let output = Parameter("\(name).nndm.output_weight", shape: Shape(occasions, 1, hidden))
      let limit2 = (6 / Float(hidden + 1)).squareRoot()
      output.fill { rng.nextFloat(in: -limit2, limit2) }
      ownParameters = [sample, prototype, Parameter("\(name).nndm.hidden_bias", shape: Shape(occasions, 1, hidden)),
                    output, Parameter("\(name).nndm.output_bias", shape: Shape(occasions, 1))]
    case .cosine, .euclidean:
      ownParameters = []
    }
  }

  /// d [n, K, 2]: d[i, k, c] = d(F(x_i), p_k^c), c = 0 positive, 1 negative.
  ///
  /// `prototypes` is [K, 2, D], or [K, 2, T, D] for T episodes (episodic
  /// prototypes, one set per query day [beyond the paper]); then `episode` [n, T]
  /// is each sample's one-hot episode and d is computed against every episode and
  /// the sample's own selected (all T in one product: n·2K·T·D multiply-adds).
  public func distances(_ f: Tensor, prototypes: Tensor, episode: Tensor? = nil, _ tape: Tape) -> Tensor {
    let n = f.shape[0]
    let (k, d) = (occasions, dim)
    let t = prototypes.count / max(2 * k * d, 1)
    precondition(f.shape == Shape(n, d) && prototypes.count == k * 2 * t * d
                   && (prototypes.shape == Shape(k, 2, d) || prototypes.shape == Shape(k, 2, t, d)),
                 "DMN: F \(f.shape) and prototypes \(prototypes.shape) for K = \(k), D = \(d)")
    precondition(t == 1 || episode?.shape == Shape(n, t), "DMN: \(t) episodes need an [n, \(t)] episode one-hot")
    let all = allDistances(f, prototypes, episodes: t, tape)  // [n, K, 2, T]
    guard t > 1, let episode else { return all.reshaped(Shape(n, k, 2)) }
    let picked = tape.mul(all.reshaped(Shape(n, 2 * k, t)), episode.reshaped(Shape(n, 1, t)))
    return tape.sum(picked, axis: 2).reshaped(Shape(n, k, 2))
  }

  /// d [n, K, 2, T] against every episode (layout [K, 2, T, D]: per occasion, 2T rows).
  private func allDistances(_ f: Tensor, _ prototypes: Tensor, episodes t: Int, _ tape: Tape) -> Tensor {
    let n = f.shape[0]
    let (k, d) = (occasions, dim)
    let flat = prototypes.reshaped(Shape(2 * k * t, d))
    switch metric {
    case .spdm:
      let (weight, bias) = (tape.param(ownParameters[0]), tape.param(ownParameters[1]))
      // rows (W_k p_k^{c,t})ᵀ = p_k^{c,t}ᵀ W_kᵀ: [K, 2T, D].
      let projected = tape.batchedMatmul(prototypes.reshaped(Shape(k, 2 * t, d)), weight, transposeB: true)
      let dot = tape.matmul(f, projected.reshaped(Shape(2 * k * t, d)), transposeB: true).reshaped(Shape(n, k, 2 * t))
      return tape.add(dot, bias.reshaped(Shape(k, 1))).reshaped(Shape(n, k, 2, t))
    case .mulrelanet:
      let (weight, bias) = (tape.param(ownParameters[0]), tape.param(ownParameters[1]))
      // rows (W_k^c p_k^{c,t})ᵀ for the 2K (occasion, class) pairs: [2K, T, D].
      let projected = tape.batchedMatmul(prototypes.reshaped(Shape(2 * k, t, d)),
                                         weight.reshaped(Shape(2 * k, d, d)), transposeB: true)
      let dot = tape.matmul(f, projected.reshaped(Shape(2 * k * t, d)), transposeB: true).reshaped(Shape(n, k, 2, t))
      let activated = tape.leakyRelu(dot, slope: Self.mulrelanetSlope)
      // b_k on d⁺ only: [K, 2, 1] with class 1 zero.
      let onPositive = tape.concat([bias.reshaped(Shape(k, 1)), tape.zeros(Shape(k, 1))], axis: 1)
      return tape.add(activated, onPositive.reshaped(Shape(k, 2, 1)))
    case .nndm:
      let h = hidden
      let p = ownParameters.map { tape.param($0) }
      let sample = tape.matmul(f, p[0], transposeB: true).reshaped(Shape(n, k, 1, h))  // A_k F
      // B_k p + b₁: [K, 2T, H].
      let proto = tape.add(tape.batchedMatmul(prototypes.reshaped(Shape(k, 2 * t, d)), p[1], transposeB: true), p[2])
      let activated = tape.relu(tape.add(sample, proto))  // [n, K, 2T, H]
      let weighted = tape.mul(activated, p[3].reshaped(Shape(k, 1, h)))
      return tape.add(tape.sum(weighted, axis: 3), p[4]).reshaped(Shape(n, k, 2, t))  // + b₂ [K, 1]
    case .cosine:
      return tape.matmul(tape.l2Normalize(f), tape.l2Normalize(flat), transposeB: true).reshaped(Shape(n, k, 2, t))
    case .euclidean:
      let cross = tape.scale(tape.matmul(f, flat, transposeB: true), by: 2)  // [n, 2KT]
      let sampleNorm = tape.sum(tape.mul(f, f), axis: 1).reshaped(Shape(n, 1))
      let prototypeNorm = tape.sum(tape.mul(flat, flat), axis: 1)  // [2KT]
      return tape.sub(tape.sub(cross, sampleNorm), prototypeNorm).reshaped(Shape(n, k, 2, t))
    }
  }

  /// LeakyReLU slope of `mulrelanet`'s activation (TensorFlow's `leaky_relu` default).
  public static let mulrelanetSlope: Float = 0.2

  /// The bilinear weights [K, (2,) D, D] that start at I (SPDM, mulrelanet), else nil.
  public var bilinearWeight: Parameter? { metric.isBilinear ? ownParameters[0] : nil }

  /// s [n, K]: s_occ = d⁺_occ − d⁻_occ (Eq. 6).
  public func callAsFunction(_ f: Tensor, prototypes: Tensor, episode: Tensor? = nil, _ tape: Tape) -> Tensor {
    let d = distances(f, prototypes: prototypes, episode: episode, tape)
    let n = f.shape[0]
    let positive = tape.slice(d, axis: 2, start: 0, length: 1)
    let negative = tape.slice(d, axis: 2, start: 1, length: 1)
    return tape.sub(positive, negative).reshaped(Shape(n, occasions))
  }
}

// MetaCVR's prototypes (§2.3, Eq. 3): per occasion, the normalised mean frozen
// representation of a support day's purchases and of its other clicks.
import CVRAutograd
import CVRData

/// p_occ^cls = Norm(Mean{F(x_k) | x_k ∈ S_occ^cls}) (MetaCVR Eq. 3), cls ∈ {+, −}.
///
/// S_occ^+ holds the purchases of one support day of `occasion` in D_r, S_occ^−
/// the other clicked rows of that day (`DataSplits.supportSet`). F is the
/// pre-trained, frozen FRN in inference mode (batch-norm running statistics, no dropout).
///
/// Norm is the L2 normalisation, whatever `FRNConfig.norm` says: with
/// `.layerNorm` the mean of F(x) has no unit length, and the paper's remark under
/// Eq. 4 (SPDM with W = I is the cosine distance) and the cosine metric itself
/// need unit prototypes; L2 also keeps d⁺ and d⁻ on one scale across occasions.
/// (The authors' code ships prototypes as offline inputs with no visible
/// normalisation, seeds-code.md §1.6; we follow the paper's Norm.)
///
/// Storage: `values` is [K, 2, T, D] row-major (T = 1 but for episodic
/// prototypes), class 0 = positive, 1 = negative, occasions in the plan's order.
public struct Prototypes: Equatable, Sendable {
  /// Which half of a prototype pair.
  public enum Class: Int, Sendable, CaseIterable {
    case positive = 0
    case negative = 1
  }

  /// K, the number of occasions.
  public let occasions: Int
  /// D, the width of the layer they live on.
  public let dim: Int
  /// T, the number of episodes (1: the paper's one set; more: one per query day, `EpisodicPrototypes`).
  public let episodes: Int
  /// [K, 2, T, D]: values[((k·2 + c)·T + t)·D + j].
  public var values: [Float]

  /// Prototypes from raw [K, 2, T, D] values.
  public init(occasions: Int, dim: Int, episodes: Int = 1, values: [Float]) {
    precondition(episodes >= 1 && values.count == occasions * 2 * episodes * dim,
                 "Prototypes: \(values.count) values for [\(occasions), 2, \(episodes), \(dim)]")
    self.occasions = occasions
    self.dim = dim
    self.episodes = episodes
    self.values = values
  }

  /// The D values of p_occasion^cls of `episode` (default: the latest, the one scoring after the training cut uses).
  public func prototype(occasion: Int, _ cls: Class, episode: Int? = nil) -> ArraySlice<Float> {
    let start = ((occasion * 2 + cls.rawValue) * episodes + (episode ?? episodes - 1)) * dim
    return values[start..<(start + dim)]
  }

  /// Computes every occasion's pair with `base`'s F(x) in inference mode, without recording.
  ///
  /// - Parameters:
  ///   - supportSets: one entry per occasion index 0..<K of `base.plan.occasions`
  ///     (any order): its positive and negative store rows.
  ///   - batchSize: rows per forward pass.
  /// - Throws: `ModelError.config` naming the occasion when one has no entry, two
  ///   entries, an index outside the plan, or an empty class.
  ///   - layer: the base's layer g the means are taken of (F(x): Eq. 3; f_b's hidden layer: the code).
  ///   - center: μ subtracted from every g before the mean ([ours], `Config.centering`), or nil.
  public static func compute(
    base: BaseCVRModel, assembler: BatchAssembler,
    supportSets: [(occasion: Int, positives: [Int32], negatives: [Int32])], batchSize: Int,
    layer: PrototypeLayer = .representation, center: [Float]? = nil
  ) throws -> Prototypes {
    precondition(batchSize > 0, "Prototypes.compute: batchSize must be positive")
    let names = base.plan.occasions
    let k = names.count
    guard k > 0 else { throw ModelError.config("prototypes need occasions in the schema (occasions: or a calendar)") }
    var byOccasion = [(positives: [Int32], negatives: [Int32])?](repeating: nil, count: k)
    for set in supportSets {
      guard set.occasion >= 0 && set.occasion < k else {
        throw ModelError.config("support set for occasion index \(set.occasion): the plan has \(k) occasions \(names)")
      }
      guard byOccasion[set.occasion] == nil else {
        throw ModelError.config("two support sets for occasion \(names[set.occasion])")
      }
      byOccasion[set.occasion] = (set.positives, set.negatives)
    }
    let dim = layer == .representation ? base.representationDim : base.config.outputWidths[0]
    if let center, center.count != dim { throw ModelError.config("the centre has \(center.count) values, the layer \(dim)") }
    var values = [Float](repeating: 0, count: k * 2 * dim)
    let tape = Tape(recording: false)  // inference: batch norm on running statistics
    let batch = assembler.makeBatch(capacity: batchSize)
    for occasion in 0..<k {
      guard let set = byOccasion[occasion] else {
        throw ModelError.config("no support set for occasion \(names[occasion]) (index \(occasion))")
      }
      for (cls, rows) in [(Class.positive, set.positives), (.negative, set.negatives)] {
        guard !rows.isEmpty else {
          throw ModelError.config("the \(cls) support set of occasion \(names[occasion]) is empty")
        }
        var mean = meanLayer(base, rows: rows, layer: layer, batch: batch, assembler: assembler, tape: tape)
        if let center { for j in 0..<dim { mean[j] -= Double(center[j]) } }
        let start = (occasion * 2 + cls.rawValue) * dim
        normalize(mean, into: &values[start..<(start + dim)])
      }
    }
    return Prototypes(occasions: k, dim: dim, values: values)
  }

  /// `compute` with each occasion's support set taken from `splits`: the first
  /// day of D_r holding both a clicked purchase and another click of that
  /// occasion ("picking a day of this occasion in D_r", §2.3).
  ///
  /// Throws `ModelError.config` naming the occasion when no day of D_r has both classes.
  public static func compute(base: BaseCVRModel, assembler: BatchAssembler, splits: DataSplits,
                             batchSize: Int, layer: PrototypeLayer = .representation,
                             center: [Float]? = nil) throws -> Prototypes {
    var sets: [(occasion: Int, positives: [Int32], negatives: [Int32])] = []
    for (occasion, name) in base.plan.occasions.enumerated() {
      guard let set = splits.firstUsableSupportSet(occasion: Int32(occasion)) else {
        throw ModelError.config(
          "occasion \(name) (\(occasion)) has no day in the recent range \(splits.recent) with both a clicked purchase and another click: no support set for its prototypes")
      }
      sets.append((occasion, set.positives, set.negatives))
    }
    return try compute(base: base, assembler: assembler, supportSets: sets, batchSize: batchSize, layer: layer,
                       center: center)
  }

  /// μ, the mean of the base's `layer` over `rows` (inference mode, not recorded):
  /// the centre of `Config.centering` [ours].
  public static func layerMean(base: BaseCVRModel, assembler: BatchAssembler, rows: [Int32], layer: PrototypeLayer,
                               batchSize: Int) -> [Float] {
    precondition(!rows.isEmpty, "layerMean: no rows")
    let tape = Tape(recording: false)
    let batch = assembler.makeBatch(capacity: batchSize)
    return meanLayer(base, rows: rows, layer: layer, batch: batch, assembler: assembler, tape: tape).map { Float($0) }
  }

  /// Mean of the base's `layer` over `rows`, accumulated in Double.
  private static func meanLayer(_ base: BaseCVRModel, rows: [Int32], layer: PrototypeLayer, batch: Batch,
                                assembler: BatchAssembler, tape: Tape) -> [Double] {
    var sum: [Double] = []
    assembler.forEachChunk(of: rows, in: batch) { batch, _ in
      tape.reset()
      let g = base.metricLayer(batch, tape, layer: layer).layer
      let dim = g.shape[1]
      if sum.isEmpty { sum = [Double](repeating: 0, count: dim) }
      for b in 0..<batch.count {
        for j in 0..<dim { sum[j] += Double(g.data[b * dim + j]) }
      }
    }
    return sum.map { $0 / Double(rows.count) }
  }

  /// Writes v / ‖v‖₂ (v itself when it is zero).
  static func normalize(_ v: [Double], into out: inout ArraySlice<Float>) {
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let scale = norm > 0 ? 1 / norm : 1
    for (j, x) in v.enumerated() { out[out.startIndex + j] = Float(x * scale) }
  }

  /// Labels of the 2K prototypes in `cosineSimilarityMatrix()` order: "NAME+", "NAME−".
  public static func labels(occasionNames: [String]) -> [String] {
    occasionNames.flatMap { ["\($0)+", "\($0)−"] }
  }

  /// cos(p_a, p_b) for every pair of the 2K prototypes, ordered occasion by
  /// occasion, positive then negative (MetaCVR Fig. 2). [2K][2K].
  public func cosineSimilarityMatrix() -> [[Double]] {
    let all = (0..<occasions).flatMap { k in Class.allCases.map { prototype(occasion: k, $0) } }
    return all.map { a in all.map { b in cosine(a, b) } }
  }

  /// cos(p_a^cls, p_b^cls) over occasions a, b for one class. [K][K].
  public func cosineSimilarityMatrix(_ cls: Class) -> [[Double]] {
    let all = (0..<occasions).map { prototype(occasion: $0, cls) }
    return all.map { a in all.map { b in cosine(a, b) } }
  }

  private func cosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) {
      dot += Double(x) * Double(y)
      na += Double(x) * Double(x)
      nb += Double(y) * Double(y)
    }
    return na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : 0
  }
}

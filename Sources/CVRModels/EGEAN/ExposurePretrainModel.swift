// EGEAN's exposure probability task (§2.1.1), the pre-training phase: an MLP on
// the concatenated user and item embeddings scores whether a (user, item) pair
// was exposed, real pairs against in-batch negatives.
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers

/// q(u, i) = σ(MLP([e_u; e_i])) (EGEAN §2.1.1 Eq. 1: the concatenated original user
/// and item embeddings through an MLP and a sigmoid), trained on every exposure:
/// the batch's real pairs (u_b, i_b) are positives, each user with another row's
/// item, (u_b, i_{(b + s) mod n}) for a shift s ∈ 1 … n−1, a negative ("in-batch
/// negative sampling"). A shift never pairs a row with its own item row; when
/// one item occurs in two rows of a batch, the pair can still repeat a real one
/// (a false negative every in-batch scheme has, rare at Ali-CCP's 4.3 M items).
///
/// RECONSTRUCTION (our copy of Eq. 1 is blank; seeds-code.md §2.2):
/// - objective (`Config.objective`): `pointwise` (default) is the paper's words,
///   "cross-entropy loss … with the exposure label": the mean binary cross-entropy
///   over the n(1 + K) pairs, label 1 on real pairs and 0 on negatives;
///   `sampledSoftmax` is the retrieval reading, −(1/n) Σ_b log softmax over
///   {real item, K negatives} at the real item (Yi et al. RecSys 2019, without logQ).
/// - K = `negatives` per positive (default 1, workload M3: "each user with a
///   shuffled item of the batch"); K distinct shifts are drawn per batch from the
///   tape's seeded generator (`negativeShifts`), so a run is reproducible and a
///   resumed run draws what an uninterrupted one would. n = 1 has no negatives:
///   pointwise then scores the positive alone, sampled softmax is 0.
/// - which embeddings: e_u and e_i are the `FlatEmbeddingTrunk`'s user and item
///   blocks (their dense values included); the interaction and context blocks are
///   not read, the paper naming user and item features only.
/// - MLP widths (`widths`, M3: 256 → 128) with ReLU, Xavier init (§3.0.3); sample
///   weights are not applied (every row is one exposure).
///
/// Its table is the one `EGEANModel(pretrained:config:seed:)` copies and freezes.
/// As a `CVRModel` it exists to be trained by the ordinary `Trainer`
/// (trainingSpace .exposure) and checkpointed: `predictCVR` returns the exposure
/// probability q(u_b, i_b) of each real pair, NOT a conversion rate, so reports
/// and model tables must not list it among the CVR models, and its early stopping
/// must not watch a CVR metric (train it for fixed epochs, no validation rows).
public final class ExposurePretrainModel: CVRModel {
  public enum Objective: String, Codable, Equatable, Sendable {
    case pointwise, sampledSoftmax
  }

  public struct Config: Codable, Equatable, Sendable {
    /// Hidden widths of the exposure MLP (M3: 256, 128), then one logit.
    public var widths = [256, 128]
    public var objective = Objective.pointwise
    /// Negatives per positive, K ≥ 1 (fewer when the batch has fewer other rows).
    public var negatives = 1

    public init() {}

    /// Workload M3's sizes.
    public static let paper = Config()
    /// The small simulated worlds': 64 → 32.
    public static var demo: Config {
      var c = Config()
      c.widths = [64, 32]
      return c
    }

    func check() throws {
      try checkWidths(widths, "exposure widths")
      guard !widths.isEmpty else { throw ModelError.config("exposure widths: need at least one hidden width") }
      guard negatives >= 1 else { throw ModelError.config("negatives must be ≥ 1, got \(negatives)") }
    }
  }

  public let kind = "EGEAN-exposure"
  public var displayName = "EGEAN-exposure"
  public let config: Config
  public let plan: FeaturePlan
  public let trunk: FlatEmbeddingTrunk
  public let mlp: MLP
  public var trainingSpace: Space { .exposure }
  public var configuration: JSONValue { (try? JSONValue(encoding: config)) ?? .null }

  /// - Throws: `ModelError.config` for bad sizes, `.schema` without user or item features.
  public init(plan: FeaturePlan, config: Config, seed: UInt64) throws {
    try config.check()
    var rng = SeededGenerator(seed: seed)
    self.config = config
    self.plan = plan
    trunk = try FlatEmbeddingTrunk(plan: plan, rng: &rng)
    mlp = Self.makeMLP(config, trunk: trunk, rng: &rng)
  }

  /// The exposure MLP [e_u; e_i] → widths → 1 for `trunk`, named "exposure".
  static func makeMLP(_ config: Config, trunk: FlatEmbeddingTrunk, rng: inout SeededGenerator) -> MLP {
    MLP(.init(widths: [trunk.embedder.userDim + trunk.embedder.itemDim] + config.widths + [1]), name: "exposure",
        rng: &rng)
  }

  public var children: [any Layer] { [trunk, mlp] }

  /// s(u_b, i_b) for the batch's real pairs, [n].
  public func realPairLogits(_ batch: Batch, _ tape: Tape) -> Tensor {
    let e = trunk.embedder(batch, tape)
    return Self.pairLogits(mlp, user: e.user!, item: e.item!, tape)
  }

  /// MLP([user; item]) row by row, [n]. Shapes: user [n, d_u], item [n, d_i].
  static func pairLogits(_ mlp: MLP, user: Tensor, item: Tensor, _ tape: Tape) -> Tensor {
    mlp(tape.concat([user, item], axis: 1), tape).reshaped(Shape(user.shape[0]))
  }

  /// min(K, n − 1) distinct shifts s ∈ 1 … n−1: negative k of row b is row
  /// (b + s_k) mod n's item, never row b's own (s ≠ 0 mod n).
  public static func negativeShifts(count n: Int, negatives k: Int, rng: inout SeededGenerator) -> [Int] {
    let wanted = min(k, n - 1)
    var shifts: [Int] = []
    shifts.reserveCapacity(max(wanted, 0))
    while shifts.count < wanted {
      let s = 1 + Int(rng.next() % UInt64(n - 1))
      if !shifts.contains(s) { shifts.append(s) }
    }
    return shifts
  }

  /// x with its rows rotated: out[b] = x[(b + s) mod n]. Shapes: x [n, d] → [n, d].
  static func rotated(_ x: Tensor, by s: Int, _ tape: Tape) -> Tensor {
    let n = x.shape[0]
    return tape.concat([tape.slice(x, axis: 0, start: s, length: n - s), tape.slice(x, axis: 0, start: 0, length: s)],
                       axis: 0)
  }

  /// The exposure loss (see the type's comment) on `batch`, shifts drawn from `tape.rng`.
  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor {
    let n = batch.count
    let e = trunk.embedder(batch, tape)
    let user = e.user!, item = e.item!
    let shifts = Self.negativeShifts(count: n, negatives: config.negatives, rng: &tape.rng)
    let k = shifts.count
    // Every pair in one MLP call: rows [real; negative 1; …; negative K].
    let users = k == 0 ? user : tape.concat(Array(repeating: user, count: k + 1), axis: 0)
    let items = k == 0 ? item : tape.concat([item] + shifts.map { Self.rotated(item, by: $0, tape) }, axis: 0)
    let logits = Self.pairLogits(mlp, user: users, item: items, tape)
    switch config.objective {
    case .pointwise:
      let labels = tape.zeros(Shape(n * (k + 1)))
      labels.data.update(repeating: 1, count: n)
      return tape.binaryCrossEntropyWithLogits(logits, labels: labels)
    case .sampledSoftmax:
      // Column j of scores holds pair j's logit per row: [n, K + 1], real item first.
      let scores = tape.swapLastAxes(logits.reshaped(Shape(k + 1, n)))
      let shift = tape.empty(Shape(n, 1))  // the row maximum, a constant: log-sum-exp without overflow
      for b in 0..<n {
        var m = -Float.infinity
        for j in 0...k { m = max(m, scores.data[b * (k + 1) + j]) }
        shift.data[b] = m
      }
      let centred = tape.sub(scores, shift)
      let logSumExp = tape.log(tape.sum(tape.exp(centred), axis: 1))
      let real = tape.slice(centred, axis: 1, start: 0, length: 1).reshaped(Shape(n))
      return tape.mean(tape.sub(logSumExp, real))
    }
  }

  /// The exposure probability q(u_b, i_b) of each real pair (not a CVR: see the type's comment).
  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    let z = realPairLogits(batch, tape)
    for b in 0..<batch.count { out[b] = FastMath.sigmoid(z.data[b]) }
  }
}

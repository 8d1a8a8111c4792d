// The matrix-factorisation backbone of the MNAR debiasing literature: user and
// item embeddings with biases, trained through sparse-row gradients, scored as
// σ(⟨p_u, q_i⟩ + b_u + b_i + b), optionally plus a small MLP over side features.
import CVRAutograd
import CVRCore
import CVRData
import CVREmbedding
import CVRKernels
import CVRLayers

/// ŷ_ui = σ(z_ui), z_ui = ⟨p_u, q_i⟩ + b_u + b_i + b [+ f([x_u; x_i])]
/// (Koren, Bell & Volinsky 2009, Eq. 4 with a logistic link, the backbone of
/// Schnabel et al. 2016, Wang et al. 2019 (DR-JL), Guo et al. 2021 (MRDR),
/// Li et al. 2023 (StableDR)). p_u, q_i ∈ R^d are rows of sparse-gradient
/// embedding tables; b_u, b_i rows of 1-wide tables; b a scalar; f an MLP from
/// the concatenated user and item features to one logit, present only when
/// `featureWidth > 0`. Those papers train with Adam and weight decay (the
/// L2 term on the embeddings); pass `weightDecay` to the optimizer.
///
/// Two ways in: the ratings path (`logits(users:items:features:)`, dense user and
/// item indices from CVRRatings) and the `CVRModel` path on CVR batches (kind
/// "MF"), where the user and item are the first sparse field of the plan's user
/// and item blocks (or the ones `userField` / `itemField` name) and the model
/// learns p(conversion | click) on clicked rows; the feature MLP is off there.
public final class MatrixFactorizationModel: CVRModel {
  public struct Config: Codable, Equatable, Sendable {
    /// d, the width of p_u and q_i.
    public var dim = 16
    /// Std of the N(0, std²) initial embeddings (biases start at 0).
    public var initStd: Float = 0.1
    /// Hidden widths of the feature MLP (used when features are given).
    public var featureHidden: [Int] = [16]
    /// Names of the batch's sparse fields holding the user and the item (nil: first of the block).
    public var userField: String?
    public var itemField: String?

    public init(dim: Int = 16, initStd: Float = 0.1, featureHidden: [Int] = [16]) {
      self.dim = dim
      self.initStd = initStd
      self.featureHidden = featureHidden
    }

    enum CodingKeys: String, CodingKey {
      case dim, initStd = "init_std", featureHidden = "feature_hidden", userField = "user_field", itemField = "item_field"
    }

    /// Missing keys keep their defaults.
    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      dim = try c.decodeIfPresent(Int.self, forKey: .dim) ?? 16
      initStd = try c.decodeIfPresent(Float.self, forKey: .initStd) ?? 0.1
      featureHidden = try c.decodeIfPresent([Int].self, forKey: .featureHidden) ?? [16]
      userField = try c.decodeIfPresent(String.self, forKey: .userField)
      itemField = try c.decodeIfPresent(String.self, forKey: .itemField)
    }
  }

  public static let kind = "MF"
  public var kind: String { Self.kind }
  public let displayName: String
  public let config: Config
  public let users: EmbeddingTable
  public let items: EmbeddingTable
  public let userBias: EmbeddingTable
  public let itemBias: EmbeddingTable
  /// b, shape [1].
  public let globalBias: Parameter
  /// f over [x_u; x_i] → one logit, nil without features.
  public let featureNetwork: MLP?
  /// Columns of x_u then x_i the MLP expects (0: no MLP).
  public let featureWidth: Int
  /// The batch columns (CVRModel path): user and item fields of `Batch.sparse`.
  let userColumn: Int, itemColumn: Int
  public var trainingSpace: Space { .click }
  public var configuration: JSONValue { (try? JSONValue(encoding: config)) ?? .null }

  /// An MF model over `userCount` users and `itemCount` items (dense indices),
  /// with the feature MLP when `featureWidth` > 0 (x_u and x_i together).
  public init(userCount: Int, itemCount: Int, featureWidth: Int = 0, config: Config = .init(), seed: UInt64,
              displayName: String = "MF") {
    precondition(userCount >= 1 && itemCount >= 1 && config.dim >= 1, "MF: need ≥ 1 user, ≥ 1 item and dim ≥ 1")
    var rng = SeededGenerator(seed: seed)
    self.config = config
    self.displayName = displayName
    users = EmbeddingTable("mf.user", vocab: userCount, dim: config.dim, initializer: .normal(std: config.initStd), rng: &rng)
    items = EmbeddingTable("mf.item", vocab: itemCount, dim: config.dim, initializer: .normal(std: config.initStd), rng: &rng)
    userBias = EmbeddingTable("mf.user_bias", vocab: userCount, dim: 1, initializer: .zeros, rng: &rng)
    itemBias = EmbeddingTable("mf.item_bias", vocab: itemCount, dim: 1, initializer: .zeros, rng: &rng)
    globalBias = Parameter("mf.bias", shape: Shape(1))
    self.featureWidth = featureWidth
    featureNetwork = featureWidth > 0
      ? MLP(MLP.Config(widths: [featureWidth] + config.featureHidden + [1]), name: "mf.features", rng: &rng) : nil
    userColumn = 0
    itemColumn = 0
  }

  /// The CVRModel path: tables sized by the plan's user and item id tables.
  ///
  /// - Throws: `ModelError.schema` when the user or item block has no sparse field (or none of the name given).
  public init(plan: FeaturePlan, config: Config = .init(), seed: UInt64, displayName: String = "MF") throws {
    func field(_ block: FeaturePlan.Block, _ name: String?, _ what: String) throws -> (column: Int, vocab: Int) {
      guard let f = name.map({ n in block.sparse.first { $0.name == n } }) ?? block.sparse.first else {
        throw ModelError.schema("MF: the \(what) block has no sparse field\(name.map { " named \"\($0)\"" } ?? "") to embed")
      }
      guard let table = plan.table(f.table) else { throw ModelError.schema("MF: no table \(f.table) for \(f.name)") }
      return (f.column, table.vocab)
    }
    let u = try field(plan.user, config.userField, "user"), i = try field(plan.item, config.itemField, "item")
    var rng = SeededGenerator(seed: seed)
    self.config = config
    self.displayName = displayName
    users = EmbeddingTable("mf.user", vocab: u.vocab, dim: config.dim, initializer: .normal(std: config.initStd), rng: &rng)
    items = EmbeddingTable("mf.item", vocab: i.vocab, dim: config.dim, initializer: .normal(std: config.initStd), rng: &rng)
    userBias = EmbeddingTable("mf.user_bias", vocab: u.vocab, dim: 1, initializer: .zeros, rng: &rng)
    itemBias = EmbeddingTable("mf.item_bias", vocab: i.vocab, dim: 1, initializer: .zeros, rng: &rng)
    globalBias = Parameter("mf.bias", shape: Shape(1))
    featureWidth = 0
    featureNetwork = nil
    userColumn = u.column
    itemColumn = i.column
  }

  public var ownParameters: [Parameter] {
    [users.parameter, items.parameter, userBias.parameter, itemBias.parameter, globalBias]
  }
  public var children: [any Layer] { featureNetwork.map { [$0] } ?? [] }

  /// z [n, 1] for rows (users[r], items[r]); `features` [n, featureWidth] when the model has an MLP.
  ///
  /// Indices must lie in the tables (the readers' dense indices do; others trap).
  public func logits(users u: UnsafePointer<Int32>, items i: UnsafePointer<Int32>, count n: Int,
                     features: Tensor? = nil, _ tape: Tape) -> Tensor {
    logits(u, 1, i, 1, n, features, tape)
  }

  public func logits(users u: [Int32], items i: [Int32], features: Tensor? = nil, _ tape: Tape) -> Tensor {
    precondition(u.count == i.count, "MF.logits: \(u.count) users for \(i.count) items")
    return u.withUnsafeBufferPointer { ub in
      i.withUnsafeBufferPointer { ib in logits(users: ub.baseAddress!, items: ib.baseAddress!, count: u.count, features: features, tape) }
    }
  }

  /// The shared forward: ids read with a stride (1 for index arrays, the sparse
  /// width for batch rows).
  func logits(_ u: UnsafePointer<Int32>, _ uStride: Int, _ i: UnsafePointer<Int32>, _ iStride: Int, _ n: Int,
              _ features: Tensor?, _ tape: Tape) -> Tensor {
    let d = config.dim
    let p = users.lookup(storeRows: u, batch: n, fields: 1, rowStride: uStride, tape).reshaped(Shape(n, d))
    let q = items.lookup(storeRows: i, batch: n, fields: 1, rowStride: iStride, tape).reshaped(Shape(n, d))
    let bu = userBias.lookup(storeRows: u, batch: n, fields: 1, rowStride: uStride, tape).reshaped(Shape(n, 1))
    let bi = itemBias.lookup(storeRows: i, batch: n, fields: 1, rowStride: iStride, tape).reshaped(Shape(n, 1))
    let dot = tape.sum(tape.mul(p, q), axis: 1).reshaped(Shape(n, 1))
    var z = tape.add(tape.add(dot, tape.add(bu, bi)), tape.param(globalBias))
    if let featureNetwork {
      precondition(features?.shape == Shape(n, featureWidth), "MF: features must be [\(n), \(featureWidth)]")
      z = tape.add(z, featureNetwork(features!, tape))
    } else {
      precondition(features == nil, "MF: features given to a model built without a feature MLP")
    }
    return z
  }

  /// The mean BCE with logits against 0/1 `labels`: the naive MF loss on observed ratings.
  public func loss(users u: [Int32], items i: [Int32], labels: [Float], features: Tensor? = nil, _ tape: Tape) -> Tensor {
    let z = logits(users: u, items: i, features: features, tape)
    return tape.binaryCrossEntropyWithLogits(z.reshaped(Shape(u.count)), labels: tape.constant(labels, Shape(labels.count)))
  }

  /// The batch's logits [n, 1] (CVRModel path).
  func logits(_ batch: Batch, _ tape: Tape) -> Tensor {
    let w = batch.layout.sparse.count
    return logits(batch.sparse + userColumn, w, batch.sparse + itemColumn, w, batch.count, nil, tape)
  }

  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor { binaryLoss(logits: logits(batch, tape), batch, tape) }

  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    writeProbabilities(logits(batch, tape), into: out)
  }
}

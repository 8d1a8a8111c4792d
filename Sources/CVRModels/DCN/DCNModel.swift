// DCN, the Deep & Cross Network (Wang, Fu, Fu, Wang, ADKDD 2017): explicit
// feature crosses next to a deep network, on the non-sequence features.
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers

/// DCN (Wang et al., "Deep & Cross Network for Ad Click Predictions", ADKDD 2017)
/// as MetaCVR's competitor: a CVR model on clicked rows that "discards the user
/// behaviour sequence" (MetaCVR §3.1.3).
///
/// - Embedding and stacking (DCN §2.1): x0 = [e_u; e_i; e_ui; e_c], every non-sequence
///   block of the shared embedding layer (sparse embeddings, pooled lists, dense values).
/// - Cross network (DCN Eq. 3): x_{l+1} = x0 (x_lᵀ w_l) + b_l + x_l, l = 0 … L_c − 1.
/// - Deep network (DCN Eq. 4): h_{l+1} = ReLU(W_l h_l + b_l), h_0 = x0.
/// - Combination (DCN Eq. 5): p = σ(w_logitᵀ [x_{L_c}; h_{L_d}] + b).
/// - Loss (DCN Eq. 6, without its L2 term, which the optimizer can add):
///   L = −(1/N) Σ w (y log p + (1 − y) log(1 − p)), y = conversion, on clicked rows.
///
/// Reads: user, item, interaction and context blocks (plus the occasion
/// embedding when `occasionDim` > 0), `conversion`, `weight`; never the sequence.
public final class DCNModel: CVRModel {
  public struct Config: Codable, Equatable, Sendable {
    /// Cross layers L_c (tuned per data set in DCN §4; 3 here).
    public var crossDepth = 3
    /// Deep layer widths (tuned per data set in DCN §4; MainNet-sized here). Empty: cross network only.
    public var deepWidths = [256, 128]
    /// BatchNorm in the deep network (DCN's experiments use it; off by default, as BASE's MLPs).
    public var batchNorm = false
    /// Dropout after each deep layer (DCN's experiments report no gain from it; 0).
    public var dropout: Float = 0
    /// Occasion embedding appended to e_c, as BASE's `FRNConfig.occasionDim` (same features, §3.1.3).
    public var occasionDim = 0

    public init() {}

    public static var paper: Config { Config() }

    /// A narrower deep network for the demo world: 64 → 32.
    public static var demo: Config {
      var c = Config()
      c.deepWidths = [64, 32]
      return c
    }
  }

  public let kind = "DCN"
  public var displayName = "DCN"
  public let config: Config
  public let configuration: JSONValue
  public let embedder: FeatureEmbedder
  public let cross: CrossNetwork
  public let deep: MLP?
  public let logit: Linear
  /// Width of x0.
  public let inputDim: Int
  public var trainingSpace: Space { .click }

  public init(plan: FeaturePlan, config: Config, seed: UInt64) throws {
    guard config.crossDepth >= 0 else { throw ModelError.config("crossDepth must be ≥ 0") }
    try checkWidths(config.deepWidths, "deepWidths")
    guard config.dropout >= 0 && config.dropout < 1 else {
      throw ModelError.config("dropout \(config.dropout) must be in [0, 1)")
    }
    var rng = SeededGenerator(seed: seed)
    self.config = config
    configuration = try JSONValue(encoding: config)
    embedder = try FeatureEmbedder(plan: plan, includeSequence: false, occasionDim: config.occasionDim, rng: &rng)
    inputDim = embedder.userDim + embedder.itemDim + embedder.interactionDim + embedder.contextDim
    guard inputDim > 0 else { throw ModelError.schema("DCN needs at least one non-sequence feature") }
    cross = CrossNetwork(dim: inputDim, depth: config.crossDepth, name: "dcn.cross", rng: &rng)
    deep = config.deepWidths.isEmpty
      ? nil
      : MLP(.init(widths: [inputDim] + config.deepWidths, batchNorm: config.batchNorm, dropout: config.dropout,
                  activateLast: true), name: "dcn.deep", rng: &rng)
    logit = Linear(inputDim + (config.deepWidths.last ?? 0), 1, name: "dcn.logit", rng: &rng)
  }

  /// Rebuilds the architecture stored in a checkpoint's `configuration` for `schema`.
  public convenience init(configuration: JSONValue, schema: DataSchema) throws {
    try self.init(plan: FeaturePlan(schema: schema), config: configuration.decode(Config.self), seed: 0)
  }

  public var children: [any Layer] { [embedder, cross] + (deep.map { [$0] } ?? []) + [logit] }

  /// x0 = [e_u; e_i; e_ui; e_c], [n, inputDim].
  public func stackedInput(_ batch: Batch, _ tape: Tape) -> Tensor {
    let e = embedder(batch, tape)
    let blocks = [e.user, e.item, e.interaction, e.context].compactMap { $0 }
    return blocks.count == 1 ? blocks[0] : tape.concat(blocks, axis: 1)
  }

  /// z = w_logitᵀ [CrossNet(x0); Deep(x0)] + b, [n].
  public func logits(_ batch: Batch, _ tape: Tape) -> Tensor {
    let x0 = stackedInput(batch, tape)
    let crossed = cross(x0, tape)
    let joined = deep.map { tape.concat([crossed, $0(x0, tape)], axis: 1) } ?? crossed
    return logit(joined, tape).reshaped(Shape(batch.count))
  }

  /// Mean weighted log loss of σ(z) against `conversion`.
  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor {
    let n = batch.count
    return tape.binaryCrossEntropyWithLogits(logits(batch, tape), labels: labelTensor(batch.conversion, count: n, tape),
                                             weights: labelTensor(batch.weight, count: n, tape))
  }

  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    let z = logits(batch, tape)
    for b in 0..<batch.count { out[b] = FastMath.sigmoid(z.data[b]) }
  }
}

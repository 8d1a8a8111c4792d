// The simplest CVR model: logistic regression on the shared embeddings, a
// sanity baseline and the model the training machinery is tested with.
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers

/// p(y = 1 | click, x) = σ(wᵀ[e_u; e_i; e_ui; e_c] + b) over the shared embedding
/// layer (no sequence), trained with log loss on clicked rows.
///
/// Not one of the paper's baselines: a floor every model must beat, cheap enough
/// to train in tests. Kind "LR".
public final class LogisticRegressionModel: CVRModel {
  public struct Config: Codable, Equatable, Sendable {
    /// Width of an occasion embedding appended to the context block (0: none).
    public var occasionDim = 0
    public init(occasionDim: Int = 0) { self.occasionDim = occasionDim }

    enum CodingKeys: String, CodingKey { case occasionDim = "occasion_dim" }

    /// Missing keys keep their defaults, so `{}` is a valid configuration.
    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      occasionDim = try c.decodeIfPresent(Int.self, forKey: .occasionDim) ?? 0
    }
  }

  public static let kind = "LR"
  public var kind: String { Self.kind }
  public let displayName: String
  public let config: Config
  public let embedder: FeatureEmbedder
  public let output: Linear
  public var trainingSpace: Space { .click }
  public var configuration: JSONValue { (try? JSONValue(encoding: config)) ?? .null }

  public init(plan: FeaturePlan, config: Config = .init(), seed: UInt64, displayName: String = "LR") throws {
    var rng = SeededGenerator(seed: seed)
    self.config = config
    self.displayName = displayName
    embedder = try FeatureEmbedder(plan: plan, includeSequence: false, occasionDim: config.occasionDim, rng: &rng)
    let width = embedder.userDim + embedder.itemDim + embedder.interactionDim + embedder.contextDim
    guard width > 0 else { throw ModelError.schema("LR: the schema has no feature column") }
    output = Linear(width, 1, name: "lr.output", rng: &rng)
  }

  /// Rebuilds the architecture of a checkpoint (values come from `Checkpoint.load`).
  public convenience init(configuration: JSONValue, schema: DataSchema) throws {
    try self.init(plan: FeaturePlan(schema: schema), config: configuration.decode(Config.self), seed: 0)
  }

  public var children: [any Layer] { [embedder, output] }

  /// [n, 1] logits z = wᵀx + b.
  func logits(_ batch: Batch, _ tape: Tape) -> Tensor {
    let e = embedder(batch, tape)
    let blocks = [e.user, e.item, e.interaction, e.context].compactMap { $0 }
    return output(blocks.count == 1 ? blocks[0] : tape.concat(blocks, axis: 1), tape)
  }

  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor {
    let z = logits(batch, tape)
    return tape.binaryCrossEntropyWithLogits(z, labels: tape.input(batch.conversion, Shape(batch.count, 1)))
  }

  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    let p = tape.sigmoid(logits(batch, tape))
    out.update(from: p.data, count: batch.count)
  }
}

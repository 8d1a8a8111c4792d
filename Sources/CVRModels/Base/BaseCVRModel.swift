// MetaCVR's base CVR model (§2.2): shared embeddings, the FRN and the output
// layers f_b, trained with log loss on D (stage 1); BASE and BASE-F in reports.
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers

/// y_b = σ(f_b(F(x))), F(x) = Norm([h_M; h_B]) (MetaCVR Eq. 2), trained with
/// l_b = −(1/|D|) Σ w·(y log y_b + (1 − y) log(1 − y_b)) on clicked rows (Eq. 2;
/// w = the batch's sample weight, 1 unless the trainer asks otherwise).
///
/// f_b is a ReLU MLP F(x) → outputWidths… → 1 whose last layer is the logit
/// (no activation). The same class serves BASE-F (BASE fine-tuned on D_r: the
/// trainer `copy()`s BASE, renames it and trains on). MetaCVR freezes it
/// (`setFrozen(true)`) and reads `representation` and `baseLogit`.
///
/// Parameter names: `embedding.<table>` (and `embedding.occasion`), `frn.…`, `output.<layer>.…`.
public final class BaseCVRModel: CVRModel {
  public let plan: FeaturePlan
  public let config: Config
  /// The seed the parameters were initialised from (a `copy()` re-initialises with it).
  public let seed: UInt64
  public let embedder: FeatureEmbedder
  public let frn: FeatureRepresentationNetwork
  /// f_b: F(x) [n, D] → logit [n, 1] ([F(x); onehot(o)] [n, D + K] with `occasionAtOutput`).
  public let output: MLP
  /// K, the width of the occasion one-hot at f_b's input (0: off).
  public let occasionCount: Int
  public let kind = "BASE"
  /// "BASE" by default; the trainer names the fine-tuned copy "BASE-F".
  public var displayName = "BASE"
  public let trainingSpace = Space.click

  /// Builds the model for `plan`, initialised from `seed` (same seed, same values).
  ///
  /// Throws `ModelError` when the FRN or f_b options are invalid or the plan lacks
  /// the blocks the FRN needs.
  public init(plan: FeaturePlan, config: Config, seed: UInt64) throws {
    try config.check()
    self.plan = plan
    self.config = config
    self.seed = seed
    var rng = SeededGenerator(seed: seed)
    embedder = try FeatureEmbedder(plan: plan, includeSequence: config.frn.includeSequence,
                                   occasionDim: config.frn.occasionDim, name: "embedding", rng: &rng)
    frn = try FeatureRepresentationNetwork(config: config.frn, embedder: embedder, name: "frn", rng: &rng)
    if config.occasionAtOutput == true && plan.occasions.isEmpty {
      throw ModelError.config("occasionAtOutput needs occasions in the schema (occasions: or a calendar)")
    }
    occasionCount = config.occasionAtOutput == true ? plan.occasions.count : 0
    output = MLP(.init(widths: [config.frn.representationDim + occasionCount] + config.outputWidths + [1],
                       batchNorm: config.outputBatchNorm, dropout: config.outputDropout),
                 name: "output", rng: &rng)
    // The one-hot's weights start at 0, so the oracle starts as BASE and learns per-occasion
    // offsets: drawn like the rest (Xavier, unit-scale inputs) they outweigh the unit-norm F(x),
    // whose entries are about 1/√D, and a few epochs leave a random occasion ranking (a tiny
    // world's test ranked D_v at AUC 0.29 so).
    if occasionCount > 0, let first = output.layers.first {
      let width = first.inDim
      for r in 0..<first.outDim {
        for c in config.frn.representationDim..<width { first.weight.value[r * width + c] = 0 }
      }
    }
  }

  /// Rebuilds the architecture stored in a checkpoint's `configuration` for
  /// `schema`; the values come from `Checkpoint.load` afterwards.
  public convenience init(configuration: JSONValue, schema: DataSchema) throws {
    try self.init(plan: FeaturePlan(schema: schema), config: configuration.decode(Config.self), seed: 0)
  }

  /// A new model with the same architecture and parameter values (state
  /// included), display name and frozen flags: BASE-F starts as this copy.
  public func copy() throws -> BaseCVRModel {
    let clone = try BaseCVRModel(plan: plan, config: config, seed: seed)
    for (target, source) in zip(clone.parameters, parameters) {
      _ = target.value.update(fromContentsOf: source.value)
      target.requiresGrad = source.requiresGrad
    }
    clone.displayName = displayName
    return clone
  }

  public var children: [any Layer] { [embedder, frn, output] }

  public var configuration: JSONValue { (try? JSONValue(encoding: config)) ?? .null }

  /// Width D of F(x).
  public var representationDim: Int { config.frn.representationDim }

  /// F(x) (Eq. 2). Shapes: batch of n → [n, D].
  public func representation(_ batch: Batch, _ tape: Tape) -> Tensor {
    frn(embedder(batch, tape), tape)
  }

  /// s_b = f_b(F(x)), the base logit. Shapes: representation [n, D] → [n, 1].
  /// Without the batch there is no occasion: only for a model without `occasionAtOutput`.
  public func baseLogit(representation: Tensor, _ tape: Tape) -> Tensor {
    precondition(occasionCount == 0, "BASE+occasion needs the batch's occasions: call baseLogit(_:_:)")
    return output(representation, tape)
  }

  /// s_b = f_b(F(x)) of the batch, or f_b([F(x); onehot(o)]) with `occasionAtOutput`. Shapes: batch of n → [n, 1].
  public func baseLogit(_ batch: Batch, _ tape: Tape) -> Tensor {
    let f = representation(batch, tape)
    guard occasionCount > 0 else { return output(f, tape) }
    let n = batch.count, k = occasionCount
    let onehot = tape.zeros(Shape(n, k))
    for i in 0..<n {
      let o = Int(batch.occasions[i])
      if o >= 0 && o < k { onehot.data[i * k + o] = 1 }
    }
    return output(tape.concat([f, onehot], axis: 1), tape)
  }

  /// l_b of Eq. 2: the mean weighted BCE of the base logit against `batch.conversion`.
  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor {
    binaryLoss(logits: baseLogit(batch, tape), batch, tape)
  }

  /// y_b = σ(s_b) per sample.
  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    writeProbabilities(baseLogit(batch, tape), into: out)
  }
}

/// The mean BCE with logits of [n, 1] logits against the batch's conversion
/// labels, each sample weighted by `batch.weight` (1 with uniform weights).
func binaryLoss(logits: Tensor, _ batch: Batch, _ tape: Tape) -> Tensor {
  let n = batch.count
  return tape.binaryCrossEntropyWithLogits(
    logits.reshaped(Shape(n)), labels: tape.input(batch.conversion, Shape(n)), weights: tape.input(batch.weight, Shape(n)))
}

/// out[i] = σ(logits[i]) for every element of `logits`.
func writeProbabilities(_ logits: Tensor, into out: UnsafeMutablePointer<Float>) {
  for i in 0..<logits.count { out[i] = FastMath.sigmoid(logits.data[i]) }
}

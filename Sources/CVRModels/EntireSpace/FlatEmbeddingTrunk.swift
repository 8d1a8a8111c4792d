// The shared bottom of EGEAN and its baselines (the ESCM²/DCMT lineage, WORKLOADS
// M3): every field's embedding and the dense values concatenated into one vector
// per exposure, read by plain MLP towers.
import CVRAutograd
import CVRCore
import CVRData
import CVRLayers

/// Sizes of the towers above a `FlatEmbeddingTrunk` (EGEAN §3.1 gives none; the
/// lineage's code uses MLP towers over the concatenated embedding, seeds-code.md §2.9;
/// workload M3: input → 256 → 128 → 64 → 1).
public struct FlatTowerConfig: Codable, Equatable, Sendable {
  /// Hidden widths of every task tower (CTR, CVR, imputation, …); each ends in one logit.
  public var widths: [Int]
  /// Batch norm after each hidden layer (off: the lineage's towers have none).
  public var batchNorm: Bool
  /// Dropout after each hidden layer while training (0: none).
  public var dropout: Float

  public init(widths: [Int] = [256, 128, 64], batchNorm: Bool = false, dropout: Float = 0) {
    self.widths = widths
    self.batchNorm = batchNorm
    self.dropout = dropout
  }

  /// Workload M3's towers.
  public static let paper = FlatTowerConfig()
  /// The small simulated worlds' towers.
  public static let demo = FlatTowerConfig(widths: [64, 32])

  /// An MLP config input → widths → 1 (ReLU hidden layers, linear logit).
  public func mlp(inputDim: Int) -> MLP.Config {
    MLP.Config(widths: [inputDim] + widths + [1], batchNorm: batchNorm, dropout: dropout)
  }

  /// - Throws: `ModelError.config` for an empty or non-positive width list or a dropout outside [0, 1).
  public func check() throws {
    guard !widths.isEmpty, widths.allSatisfy({ $0 > 0 }) else {
      throw ModelError.config("tower widths must be one or more positive numbers, got \(widths)")
    }
    guard dropout >= 0 && dropout < 1 else { throw ModelError.config("tower dropout must lie in [0, 1), got \(dropout)") }
  }
}

/// x = [e_u; e_i; e_ui; e_c] for each exposure: the `FeatureEmbedder`'s blocks
/// (sparse embeddings, pooled lists, dense values, schema order within a block)
/// concatenated, without the behaviour sequence (Ali-CCP's single-valued fields,
/// seeds-code.md §2.9, have none; a schema's sequence columns are not read).
///
/// Every model of the EGEAN family reads its features through this trunk, so all
/// compare on the same embedding layer and the same features (EGEAN §3.1).
/// Shapes: batch of n → [n, inputDim]; `userItem` gives [n, userDim] and [n, itemDim].
public final class FlatEmbeddingTrunk: Layer {
  public let embedder: FeatureEmbedder
  /// Width of x.
  public let inputDim: Int

  /// - Throws: `ModelError.schema` when the plan has no user or no item features
  ///   (the exposure task and every tower need both).
  public init(plan: FeaturePlan, name: String = "embedding", rng: inout SeededGenerator) throws {
    embedder = try FeatureEmbedder(plan: plan, includeSequence: false, name: name, rng: &rng)
    guard embedder.userDim > 0, embedder.itemDim > 0 else {
      throw ModelError.schema("the EGEAN family needs user and item features (groups user and item)")
    }
    inputDim = embedder.userDim + embedder.itemDim + embedder.interactionDim + embedder.contextDim
  }

  public var children: [any Layer] { [embedder] }

  /// x [n, inputDim] from already looked-up blocks (a task's LoRA-adapted lookups, say).
  public static func flatten(_ e: EmbeddedFeatures, _ tape: Tape) -> Tensor {
    // On the tape's staging stack, not in an Array: a warm step allocates nothing.
    let mark = tape.stageMark
    if let user = e.user { tape.stage(user) }
    if let item = e.item { tape.stage(item) }
    if let interaction = e.interaction { tape.stage(interaction) }
    if let context = e.context { tape.stage(context) }
    return tape.concatStaged(from: mark, axis: 1)
  }

  /// x [n, inputDim] for `batch`.
  public func callAsFunction(_ batch: Batch, _ tape: Tape) -> Tensor { Self.flatten(embedder(batch, tape), tape) }
}

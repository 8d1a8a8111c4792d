// MetaCVR's Feature Representation Network F(x) (§2.2): behaviour attention,
// MainNet, BiasNet, Norm, on top of a shared embedding layer.
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers

/// F(x) = Norm([MainNet([e_u; e_i; e_ui; s_i; s_u]); BiasNet([e_u; e_c])]) (MetaCVR Eq. 2),
/// with s_u, s_i from `BehaviourAttention` when the sequence is included.
///
/// The embedding layer is not part of this class, so entire-space models can
/// share one embedder between task towers; the FRN reads `EmbeddedFeatures`.
///
/// Shapes: EmbeddedFeatures of n samples → [n, config.representationDim].
public final class FeatureRepresentationNetwork: Layer {
  public let config: FRNConfig
  public let attention: BehaviourAttention?
  public let head: RepresentationHead

  /// Builds the network for `embedder`'s block widths.
  ///
  /// Throws when the sequence is used but the schema has no user or item block
  /// (the attentions' queries), or when BiasNet would have no input.
  public init(config: FRNConfig, embedder: FeatureEmbedder, name: String = "frn", rng: inout SeededGenerator) throws {
    try config.check()
    self.config = config
    let useSequence = config.includeSequence && embedder.sequenceDim > 0
    if useSequence {
      guard embedder.userDim > 0 && embedder.itemDim > 0 else {
        throw ModelError.schema("user and target attention need user and item features (groups user and item)")
      }
      if config.authorsAttention {
        // The authors' residual forces each attention's value width to its query's width.
        for (block, dim) in [("sequence position", embedder.sequenceDim), ("user", embedder.userDim),
                             ("item", embedder.itemDim)] where dim % config.heads != 0 {
          throw ModelError.config(
            "authorsAttention: the \(block) width \(dim) must be a multiple of heads \(config.heads) (the residual fixes the value width)")
        }
      }
      attention = BehaviourAttention(config: config, sequenceDim: embedder.sequenceDim, userDim: embedder.userDim,
                                     itemDim: embedder.itemDim, name: name, rng: &rng)
    } else {
      attention = nil
    }
    let mainInput = embedder.userDim + embedder.itemDim + embedder.interactionDim
      + (attention.map { $0.userOutputDim + $0.itemOutputDim } ?? 0)
    let biasInput = embedder.userDim + embedder.contextDim
    guard mainInput > 0, biasInput > 0 else {
      throw ModelError.schema("MainNet needs user, item or interaction features and BiasNet user or context features")
    }
    head = RepresentationHead(config: config, mainInputDim: mainInput, biasInputDim: biasInput, name: name, rng: &rng)
  }

  public var representationDim: Int { config.representationDim }

  public var children: [any Layer] { (attention.map { [$0] } ?? []) + [head] }

  /// F(x) for the embedded batch.
  public func callAsFunction(_ e: EmbeddedFeatures, _ tape: Tape) -> Tensor {
    let (main, bias) = inputs(e, tape)
    return head(main: main, bias: bias, tape)
  }

  /// The MainNet input [e_u; e_i; e_ui; s_i; s_u] and the BiasNet input [e_u; e_c].
  public func inputs(_ e: EmbeddedFeatures, _ tape: Tape) -> (main: Tensor, bias: Tensor) {
    // On the tape's staging stack, not in Arrays: a warm step allocates nothing.
    let mark = tape.stageMark
    if let user = e.user { tape.stage(user) }
    if let item = e.item { tape.stage(item) }
    if let interaction = e.interaction { tape.stage(interaction) }
    if let attention, let sequence = e.sequence, let mask = e.sequenceMask, let user = e.user, let item = e.item {
      let (su, si) = attention(sequence: sequence, mask: mask, user: user, item: item, tape)
      tape.stage(si)
      tape.stage(su)
    }
    let main = tape.concatStaged(from: mark, axis: 1)
    if let user = e.user { tape.stage(user) }
    if let context = e.context { tape.stage(context) }
    return (main, tape.concatStaged(from: mark, axis: 1))
  }
}

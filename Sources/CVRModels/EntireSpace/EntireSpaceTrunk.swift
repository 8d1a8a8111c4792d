// The part the entire-space baselines share between their task towers: the
// embedding layer and the behaviour attention (the costly part), computed once
// per batch and read by every tower.
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers

/// Shared bottom of ESMM, ESM2 and ESDF: e = Embed(x), s_u, s_i = Attn(e) (MetaCVR §2.2),
/// giving each tower the MainNet input [e_u; e_i; e_ui; s_i; s_u] and the BiasNet input [e_u; e_c].
///
/// ESMM §2.3 shares only the embedding (the CTR and CVR networks share the
/// embedding dictionary); the attention is shared here too because it is a
/// function of the embeddings alone and the paper compares all competitors on the
/// same features (MetaCVR §3.1.3). Each tower keeps its own MainNet/BiasNet.
///
/// Shapes: batch of n → main [n, mainInputDim], bias [n, biasInputDim].
public final class EntireSpaceTrunk: Layer {
  public let embedder: FeatureEmbedder
  /// The behaviour attention, nil when the sequence is off or absent.
  public let attention: BehaviourAttention?
  public let mainInputDim: Int
  public let biasInputDim: Int

  /// Throws as `FeatureRepresentationNetwork.init` does (same checks on the same options).
  public init(plan: FeaturePlan, config: FRNConfig, rng: inout SeededGenerator) throws {
    try config.check()
    embedder = try FeatureEmbedder(plan: plan, includeSequence: config.includeSequence,
                                   occasionDim: config.occasionDim, rng: &rng)
    let useSequence = config.includeSequence && embedder.sequenceDim > 0
    if useSequence {
      guard embedder.userDim > 0 && embedder.itemDim > 0 else {
        throw ModelError.schema("user and target attention need user and item features (groups user and item)")
      }
      if config.authorsAttention {
        for dim in [embedder.sequenceDim, embedder.userDim, embedder.itemDim] where dim % config.heads != 0 {
          throw ModelError.config(
            "authorsAttention: block width \(dim) must be a multiple of heads \(config.heads) (the residual fixes the value width)")
        }
      }
      attention = BehaviourAttention(config: config, sequenceDim: embedder.sequenceDim, userDim: embedder.userDim,
                                     itemDim: embedder.itemDim, name: "shared", rng: &rng)
    } else {
      attention = nil
    }
    mainInputDim = embedder.userDim + embedder.itemDim + embedder.interactionDim
      + (attention.map { $0.userOutputDim + $0.itemOutputDim } ?? 0)
    biasInputDim = embedder.userDim + embedder.contextDim
    guard mainInputDim > 0, biasInputDim > 0 else {
      throw ModelError.schema("MainNet needs user, item or interaction features and BiasNet user or context features")
    }
  }

  public var children: [any Layer] { [embedder] + (attention.map { [$0] } ?? []) }

  /// The MainNet and BiasNet inputs of `batch`'s samples.
  public func callAsFunction(_ batch: Batch, _ tape: Tape) -> (main: Tensor, bias: Tensor) {
    let e = embedder(batch, tape)
    var main = [e.user, e.item, e.interaction].compactMap { $0 }
    if let attention, let sequence = e.sequence, let mask = e.sequenceMask, let user = e.user, let item = e.item {
      let (su, si) = attention(sequence: sequence, mask: mask, user: user, item: item, tape)
      main += [si, su]
    }
    let bias = [e.user, e.context].compactMap { $0 }
    return (main.count == 1 ? main[0] : tape.concat(main, axis: 1),
            bias.count == 1 ? bias[0] : tape.concat(bias, axis: 1))
  }
}

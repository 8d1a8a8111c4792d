// The three attentions of MetaCVR's MainNet (§2.2): multi-head self-attention
// over the behaviour sequence, then user and target attention over its output.
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers

/// e_ubs = MHSA(e_seq); s_u = Attn(e_u, e_ubs); s_i = Attn(e_i, e_ubs) (MetaCVR §2.2).
///
/// Paper form (`authorsAttention` off, workload M1): Q, K, V = X W (d_s → units),
/// `heads` heads, scaled dot product with the key padding mask, output projection
/// units → units; user and target attention are single-head with their query
/// projected e_u W, e_i W (→ units), so s_u, s_i have width `units`.
/// Authors' form (seeds-code.md §1.3): ReLU projections, per-head LayerNorm on Q
/// and K, no W_O, residual + LN + FFN; s_u has e_u's width and s_i e_i's width.
///
/// Shapes: sequence [n, T, d_s], mask [n, T], user [n, d_u], item [n, d_i] →
/// s_u [n, userOutputDim], s_i [n, itemOutputDim].
public final class BehaviourAttention: Layer {
  public let selfAttention: MultiHeadAttention
  public let userAttention: AttentionPooling
  public let targetAttention: AttentionPooling

  public init(config: FRNConfig, sequenceDim: Int, userDim: Int, itemDim: Int, name: String = "frn",
              rng: inout SeededGenerator) {
    let units = config.attentionUnits
    let selfConfig: MultiHeadAttention.Config
    let userConfig: MultiHeadAttention.Config
    let itemConfig: MultiHeadAttention.Config
    if config.authorsAttention {
      selfConfig = .authors(queryDim: sequenceDim, keyDim: sequenceDim, heads: config.heads, units: units)
      userConfig = .authors(queryDim: userDim, keyDim: sequenceDim, heads: config.heads, units: units)
      itemConfig = .authors(queryDim: itemDim, keyDim: sequenceDim, heads: config.heads, units: units)
    } else {
      selfConfig = .init(queryDim: sequenceDim, keyDim: sequenceDim, heads: config.heads, units: units,
                         valueUnits: units, outputProjection: config.selfAttentionOutput ? units : nil)
      userConfig = .init(queryDim: userDim, keyDim: units, heads: 1, units: units, valueUnits: units,
                         projectKeys: config.poolingKeyProjection)
      itemConfig = .init(queryDim: itemDim, keyDim: units, heads: 1, units: units, valueUnits: units,
                         projectKeys: config.poolingKeyProjection)
    }
    selfAttention = MultiHeadAttention(selfConfig, name: "\(name).self_attention", rng: &rng)
    userAttention = AttentionPooling(userConfig, name: "\(name).user_attention", rng: &rng)
    targetAttention = AttentionPooling(itemConfig, name: "\(name).target_attention", rng: &rng)
  }

  public var userOutputDim: Int { userAttention.outputDim }
  public var itemOutputDim: Int { targetAttention.outputDim }

  public var children: [any Layer] { [selfAttention, userAttention, targetAttention] }

  public func callAsFunction(sequence: Tensor, mask: Tensor, user: Tensor, item: Tensor, _ tape: Tape)
    -> (user: Tensor, item: Tensor)
  {
    let behaviours = selfAttention(sequence, keys: sequence, keyMask: mask, queryMask: mask, tape)
    let su = userAttention(user, keys: behaviours, keyMask: mask, tape)
    let si = targetAttention(item, keys: behaviours, keyMask: mask, tape)
    return (su, si)
  }
}

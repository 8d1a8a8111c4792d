// Multi-head attention with the options of the MetaCVR authors' code: ReLU on
// the projections, LayerNorm on each head's Q and K, no output projection, and
// a residual + LayerNorm + 4× feed-forward block (seeds-code.md §1.3).
import CVRAutograd
import CVRCore
import CVRKernels

/// Scaled dot-product multi-head attention (Vaswani et al. 2017), queries from
/// one tensor, keys and values from another, with a key padding mask.
///
/// Per head h (column block h of the projections), with d = units / heads:
/// `Q = act(x_q W_Qᵀ + b_Q)`, `K = act(x_k W_Kᵀ + b_K)`, `V = act(x_k W_Vᵀ + b_V)`
/// (or K = V = x_k without `projectKeys`);
/// optionally `Q_h ← LN(Q_h)`, `K_h ← LN(K_h)` (one gain and bias of width d,
/// shared by the heads); `O_h = softmax_masked(Q_h K_hᵀ / √d) V_h`; optionally
/// `O ← O W_Oᵀ + b_O`; optionally `O ← LN(O + x_q)`, then
/// `O ← LN(O + W_2 relu(W_1 O + b_1) + b_2)` with W_1: C → 4C and W_2: 4C → C.
/// `act` is ReLU when `reluProjections` (tf.contrib's default, as in the
/// authors' code) and the identity otherwise (the paper's, Vaswani's).
///
/// Shapes: query [B, Tq, queryDim], keys [B, Tk, keyDim], keyMask [B, Tk] of
/// 1 (keep) / 0 (pad), queryMask [B, Tq] → [B, Tq, outputDim]. Rows of padded
/// queries are 0 in the output (self-attention over one masked sequence skips
/// them in every projection: `packedSelfAttention`).
public final class MultiHeadAttention: Layer {
  public struct Config: Sendable {
    public var queryDim: Int
    public var keyDim: Int
    public var heads: Int
    /// Width of the Q and K projections (heads × head width).
    public var units: Int
    /// Width of the V projection; nil: `units`, or `queryDim` when the residual
    /// block needs the output to match the query (the authors' forcing).
    public var valueUnits: Int?
    /// Output projection width (nil: none, as in the authors' code).
    public var outputProjection: Int?
    public var reluProjections = false
    public var normalizeQK = false
    public var residualFeedForward = false
    /// False: K = V = the keys as given (no W_K, W_V; keyDim must equal `units`
    /// and the value width), only the query is projected (workload M1's user and
    /// target attention over e_ubs).
    public var projectKeys = true

    public init(queryDim: Int, keyDim: Int, heads: Int, units: Int, valueUnits: Int? = nil,
                outputProjection: Int? = nil, reluProjections: Bool = false,
                normalizeQK: Bool = false, residualFeedForward: Bool = false, projectKeys: Bool = true) {
      self.queryDim = queryDim
      self.keyDim = keyDim
      self.heads = heads
      self.units = units
      self.valueUnits = valueUnits
      self.outputProjection = outputProjection
      self.reluProjections = reluProjections
      self.normalizeQK = normalizeQK
      self.residualFeedForward = residualFeedForward
      self.projectKeys = projectKeys
    }

    /// The MetaCVR authors' configuration (atten_mode "ln", residual, no W_O).
    public static func authors(queryDim: Int, keyDim: Int, heads: Int = 8, units: Int = 128) -> Config {
      Config(queryDim: queryDim, keyDim: keyDim, heads: heads, units: units,
             reluProjections: true, normalizeQK: true, residualFeedForward: true)
    }
  }

  public let config: Config
  public let valueWidth: Int
  public let outputDim: Int
  let wq: Linear, wk: Linear?, wv: Linear?
  let wo: Linear?
  let qNorm: LayerNorm?, kNorm: LayerNorm?
  let residualNorm: LayerNorm?, feedForward: MLP?, feedForwardNorm: LayerNorm?

  public init(_ config: Config, name: String = "mha", initializer: Initializer = .xavierUniform,
              rng: inout SeededGenerator) {
    let c = config
    precondition(c.units % c.heads == 0, "MultiHeadAttention: units \(c.units) not divisible by \(c.heads) heads")
    let projected = c.outputProjection ?? c.valueUnits ?? (c.residualFeedForward ? c.queryDim : c.units)
    let value = c.outputProjection == nil ? projected : (c.valueUnits ?? c.units)
    precondition(value % c.heads == 0, "MultiHeadAttention: value width \(value) not divisible by \(c.heads) heads")
    precondition(!c.residualFeedForward || projected == c.queryDim,
                 "MultiHeadAttention: the residual needs output width \(projected) = query width \(c.queryDim)")
    precondition(c.projectKeys || (c.keyDim == c.units && c.keyDim == value),
                 "MultiHeadAttention: unprojected keys need keyDim \(c.keyDim) = units \(c.units) = value width \(value)")
    self.config = c
    valueWidth = value
    outputDim = projected
    wq = Linear(c.queryDim, c.units, name: "\(name).q", initializer: initializer, rng: &rng)
    wk = c.projectKeys ? Linear(c.keyDim, c.units, name: "\(name).k", initializer: initializer, rng: &rng) : nil
    wv = c.projectKeys ? Linear(c.keyDim, value, name: "\(name).v", initializer: initializer, rng: &rng) : nil
    wo = c.outputProjection.map { Linear(value, $0, name: "\(name).o", initializer: initializer, rng: &rng) }
    let headWidth = c.units / c.heads
    qNorm = c.normalizeQK ? LayerNorm(headWidth, name: "\(name).q_norm") : nil
    kNorm = c.normalizeQK ? LayerNorm(headWidth, name: "\(name).k_norm") : nil
    if c.residualFeedForward {
      residualNorm = LayerNorm(projected, name: "\(name).residual_norm")
      feedForward = MLP(.init(widths: [projected, 4 * projected, projected], initializer: initializer),
                        name: "\(name).ffn", rng: &rng)
      feedForwardNorm = LayerNorm(projected, name: "\(name).ffn_norm")
    } else {
      residualNorm = nil
      feedForward = nil
      feedForwardNorm = nil
    }
  }

  public var children: [any Layer] {
    let layers: [(any Layer)?] = [wq, wk, wv, wo, qNorm, kNorm, residualNorm, feedForwardNorm, feedForward]
    return layers.compactMap { $0 }
  }

  public func callAsFunction(_ query: Tensor, keys: Tensor, keyMask: Tensor?, queryMask: Tensor? = nil,
                             _ tape: Tape) -> Tensor {
    let c = config
    let (batch, queryLen) = (query.shape[0], query.shape[1])
    let keyLen = keys.shape[1]
    precondition(query.shape.rank == 3 && keys.shape.rank == 3 && keys.shape[0] == batch,
                 "MultiHeadAttention: need query [B, Tq, C] and keys [B, Tk, C], got \(query.shape), \(keys.shape)")
    let act: Activation = c.reluProjections ? .relu : .identity
    if let packed = packedSelfAttention(query, keys: keys, keyMask: keyMask, queryMask: queryMask, act, tape) {
      return packed
    }
    var q = act(wq(query, tape), tape)
    var k = wk.map { act($0(keys, tape), tape) } ?? keys
    let v = wv.map { act($0(keys, tape), tape) } ?? keys
    if let qNorm, let kNorm {
      // Each head's slice is a contiguous run of `headWidth` floats, so the per-head
      // LayerNorm is a plain LayerNorm over rows of that width.
      let headWidth = c.units / c.heads
      q = qNorm(q.reshaped(Shape(batch * queryLen * c.heads, headWidth)), tape).reshaped(q.shape)
      k = kNorm(k.reshaped(Shape(batch * keyLen * c.heads, headWidth)), tape).reshaped(k.shape)
    }
    // The query mask inside the attention op: padded queries are skipped, not computed and zeroed.
    var out = tape.attention(query: q, key: k, value: v, keyMask: keyMask, queryMask: queryMask, heads: c.heads)
    if let wo { out = wo(out, tape) }
    if let residualNorm, let feedForward, let feedForwardNorm {
      out = residualNorm(tape.add(out, query), tape)
      out = feedForwardNorm(tape.add(out, feedForward(out, tape)), tape)
    }
    return out
  }
}

/// One query per sample attending over a masked sequence (user and target
/// attention in MetaCVR): multi-head attention with Tq = 1.
///
/// Shapes: query [B, queryDim], keys [B, T, keyDim], keyMask [B, T] → [B, outputDim].
public final class AttentionPooling: Layer {
  public let attention: MultiHeadAttention

  public init(_ config: MultiHeadAttention.Config, name: String = "pool",
              initializer: Initializer = .xavierUniform, rng: inout SeededGenerator) {
    attention = MultiHeadAttention(config, name: name, initializer: initializer, rng: &rng)
  }

  public var outputDim: Int { attention.outputDim }
  public var children: [any Layer] { [attention] }

  public func callAsFunction(_ query: Tensor, keys: Tensor, keyMask: Tensor?, _ tape: Tape) -> Tensor {
    let batch = query.shape[0]
    let out = attention(query.reshaped(Shape(batch, 1, query.shape.last)), keys: keys, keyMask: keyMask, tape)
    return out.reshaped(Shape(batch, out.shape.last))
  }
}

extension MultiHeadAttention {
  /// Self-attention over a padded sequence (query and keys the same tensor, one
  /// mask for both) with the paper's plain projections: W_Q, W_K, W_V and W_O run
  /// over the kept positions only (`packRows`), the padded rows of Q, K, V are 0
  /// (masked out of the attention anyway) and so are the padded rows of the output.
  /// Kept rows are identical to the padded computation; on M1's lengths U[10, 50]
  /// this skips ~40 % of the projections' work. nil when the case does not apply.
  func packedSelfAttention(_ x: Tensor, keys: Tensor, keyMask: Tensor?, queryMask: Tensor?, _ act: Activation,
                           _ tape: Tape) -> Tensor? {
    let c = config
    guard let keyMask, let queryMask, keyMask.data == queryMask.data, x.data == keys.data, x.node == keys.node,
      x.shape == keys.shape, let wk, let wv, qNorm == nil, residualNorm == nil
    else { return nil }
    let (batch, length) = (x.shape[0], x.shape[1])
    let mask = queryMask.reshaped(Shape(batch * length))
    let packed = tape.packRows(x.reshaped(Shape(batch * length, x.shape[2])), mask: mask)
    guard packed.shape[0] > 0 else { return nil }
    func project(_ layer: Linear) -> Tensor {
      tape.unpackRows(act(layer(packed, tape), tape), mask: mask).reshaped(Shape(batch, length, layer.outDim))
    }
    let out = tape.attention(query: project(wq), key: project(wk), value: project(wv), keyMask: keyMask,
                             queryMask: queryMask, heads: c.heads)
    guard let wo else { return out }
    let kept = tape.packRows(out.reshaped(Shape(batch * length, valueWidth)), mask: mask)
    return tape.unpackRows(wo(kept, tape), mask: mask).reshaped(Shape(batch, length, wo.outDim))
  }
}

// The fused multi-head attention core: per head, softmax(Q_h K_hᵀ / √dk) V_h with
// a key-padding mask, heads being column blocks of the feature axis.
import CVRKernels

extension Tape {
  /// out_h = softmax_masked(Q_h K_hᵀ / √dk) V_h for each head h, where X_h is
  /// columns h·d ..< (h+1)·d of X's last axis.
  ///
  /// Shapes: query [B, Tq, H·dk], key [B, Tk, H·dk], value [B, Tk, H·dv],
  /// keyMask [B, Tk] of 1 (keep) / 0 (pad) or nil (a constant); out [B, Tq, H·dv].
  /// A batch item whose keys are all padded gets a zero output and no gradient.
  /// With `queryMask` [B, Tq] (a constant), out = queryMask ⊙ attention: masked
  /// queries get a zero output and no gradient, and trailing ones cost nothing.
  /// Keeps each softmax row's maximum and 1 / Σ e [B, H, Tq, 2] (arena) for backward when tracked.
  public func attention(query: Tensor, key: Tensor, value: Tensor, keyMask: Tensor?, queryMask: Tensor? = nil,
                        heads: Int) -> Tensor {
    let (qs, ks, vs) = (query.shape, key.shape, value.shape)
    precondition(qs.rank == 3 && ks.rank == 3 && vs.rank == 3, "attention: need rank-3 query, key, value; got \(qs), \(ks), \(vs)")
    precondition(heads >= 1 && qs[2] % heads == 0 && vs[2] % heads == 0,
                 "attention: \(heads) heads do not split query \(qs) and value \(vs) evenly")
    precondition(ks[0] == qs[0] && vs[0] == qs[0] && ks[1] == vs[1] && ks[2] == qs[2],
                 "attention: query \(qs), key \(ks), value \(vs) do not match")
    if let keyMask {
      precondition(keyMask.count == ks[0] * ks[1], "attention: key mask \(keyMask.shape) for keys \(ks)")
    }
    if let queryMask {
      precondition(queryMask.count == qs[0] * qs[1], "attention: query mask \(queryMask.shape) for queries \(qs)")
    }
    let d = Attention.Dimensions(batch: qs[0], heads: heads, queryLength: qs[1], keyLength: ks[1],
                                 keyDim: qs[2] / heads, valueDim: vs[2] / heads)
    let out = empty(Shape(d.batch, d.queryLength, heads * d.valueDim))
    let tracking = isTracking(query, key, value)
    let rowStatistics = tracking ? arena.allocate(d.rowStatisticsCount) : nil
    let scratch = arena.allocate(Attention.scratchCount(d))
    let mask = keyMask.map { UnsafePointer($0.data) }
    let rowMask = queryMask.map { UnsafePointer($0.data) }
    Attention.forward(query: query.data, key: key.data, value: value.data, keyMask: mask, queryMask: rowMask, d,
                      output: out.data, rowStatistics: rowStatistics, scratch: scratch)
    var node = Node(AttentionOp.self, output: out, query, key, value)
    node.saved = rowStatistics
    node.saved2 = keyMask?.data
    node.ints = (d.batch, d.queryLength, d.keyLength, heads)
    if let queryMask, tracking { node.extra = storeInputs(CollectionOfOne(queryMask.detached)) }
    return record(node)
  }
}

/// Backward of attention; saved = row statistics [B, H, Tq, 2], saved2 = key mask
/// or nil, ints = (B, Tq, Tk, H), extra = the query mask when there is one.
enum AttentionOp: DifferentiableOp {
  static func backward(_ node: borrowing Node, gradOutput: UnsafeMutablePointer<Float>, tape: Tape) {
    let (batch, tq, tk, heads) = node.ints
    let (q, k, v) = (node.a!, node.b!, node.c!)
    let d = Attention.Dimensions(batch: batch, heads: heads, queryLength: tq, keyLength: tk,
                                 keyDim: q.shape[2] / heads, valueDim: v.shape[2] / heads)
    let scratch = tape.arena.allocate(Attention.scratchCount(d))
    Attention.backward(
      query: q.data, key: k.data, value: v.data, keyMask: node.saved2.map { UnsafePointer($0) },
      queryMask: node.extra.isEmpty ? nil : UnsafePointer(tape.extraInputs[node.extra.lowerBound].data), d,
      rowStatistics: node.saved!, gradOutput: gradOutput,
      dQuery: tape.gradient(q), dKey: tape.gradient(k), dValue: tape.gradient(v), scratch: scratch)
  }
}

// Fused multi-head scaled dot-product attention with a key-padding mask, forward
// and backward: batch items over the threads, each item one pass of the C vector
// kernels. Heads are column blocks of the last axis, so nothing is moved to [B, H, T, d].
import CVecKernels
import RealModule

package enum Attention {
  /// Sizes of one attention call: query [B, Tq, H·dk], key [B, Tk, H·dk],
  /// value [B, Tk, H·dv], key mask [B, Tk], output [B, Tq, H·dv].
  package struct Dimensions: Sendable, Equatable {
    package var batch, heads, queryLength, keyLength, keyDim, valueDim: Int

    package init(batch: Int, heads: Int, queryLength: Int, keyLength: Int, keyDim: Int, valueDim: Int) {
      precondition(batch >= 0 && heads >= 1 && queryLength >= 0 && keyLength >= 0 && keyDim >= 1 && valueDim >= 1,
                   "Attention: bad sizes")
      (self.batch, self.heads, self.queryLength, self.keyLength) = (batch, heads, queryLength, keyLength)
      (self.keyDim, self.valueDim) = (keyDim, valueDim)
    }

    /// Row width of query and key (H·dk) and of value and output (H·dv).
    @inline(__always) package var keyWidth: Int { heads * keyDim }
    @inline(__always) package var valueWidth: Int { heads * valueDim }
    /// Elements of one probability block [Tq, Tk] and of all of them [B, H, Tq, Tk].
    @inline(__always) package var blockCount: Int { queryLength * keyLength }
    @inline(__always) package var probabilityCount: Int { batch * heads * blockCount }
    /// Floats of the row statistics the forward keeps for the backward: [B, H, Tq, 2]
    /// (each softmax row's maximum score and 1 / Σ e).
    @inline(__always) package var rowStatisticsCount: Int { batch * heads * queryLength * 2 }
  }

  /// Batch items per parallel chunk. One K5 item (H=8, T=50, d=16) is ~1 MFLOP,
  /// far above the dispatch cost, so any two items are worth splitting.
  static let minimumItemsPerChunk = 2

  /// The vector level's kernels (CVecKernels: AVX-512, AVX2+FMA or portable, chosen
  /// once from the CPU); tests pass another level to check each against the reference.
  package typealias Kernels = UnsafePointer<cvec_kernels>

  /// Floats of scratch `forward` and `backward` need: per thread, one item's keys
  /// and values transposed and zero-padded to a multiple of 16, its mask, and two
  /// [Tq, padded Tk] blocks.
  package static func scratchCount(_ d: Dimensions, threads: Int = Threads.count) -> Int {
    max(1, threads) * perThreadScratch(d, VectorKernels.best)
  }

  @inline(__always) static func perThreadScratch(_ d: Dimensions, _ kernels: Kernels) -> Int {
    var c = d.c(scale: 1)
    return kernels.pointee.attention_scratch(&c)
  }

  /// out_h = softmax_masked(Q_h K_hᵀ / √dk) V_h for every batch item and head h.
  ///
  /// Keys with mask 0 get probability 0; a batch item with every key masked gets
  /// a zero output. Keys after an item's last kept key are skipped entirely.
  /// With a `queryMask` [B, Tq], a query with mask 0 gets a zero probability row
  /// and a zero output (out = queryMask ⊙ attention), and queries after an item's
  /// last kept query are skipped entirely (self-attention over padded sequences:
  /// about 40 % of M1's attention work).
  /// `rowStatistics` [B, H, Tq, 2] keeps, per softmax row, its maximum score and
  /// 1 / Σ e for the backward pass (nil: not kept), not P itself: the backward
  /// recomputes P per head block from the scores (FlashAttention's recomputation,
  /// Dao et al. 2022 §3.1), which spares the forward writing and the backward reading
  /// B·H·Tq·Tk floats (20 MB per K5 call). `scratch` holds `scratchCount` floats.
  ///
  /// Parallel over the batch items. Each item is one fused pass in CVecKernels
  /// (`attention_forward`): Kᵀ of the item transposed once into a zero-padded block
  /// that stays in L1, then per head the scores, the masked softmax and the context
  /// in wide vectors, with no BLAS call (OpenBLAS's per-call cost dominated products
  /// of 50 × ≤ 50 × 16; docs/performance.md, K5).
  package static func forward(
    query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
    keyMask: UnsafePointer<Float>?, queryMask: UnsafePointer<Float>? = nil, _ d: Dimensions,
    output: UnsafeMutablePointer<Float>,
    rowStatistics: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>,
    threads: Int = Threads.count, kernels: Kernels = VectorKernels.best
  ) {
    let pointers = UncheckedSendable((query, key, value, keyMask, queryMask, output, rowStatistics, scratch, kernels))
    Threads.parallelFor(total: d.batch, minimum: minimumItemsPerChunk, threads: threads) { chunk, items in
      let (query, key, value, keyMask, queryMask, output, rowStatistics, scratch, kernels) = pointers.value
      var c = d.c(scale: 1 / Float(d.keyDim).squareRoot())
      let itemScratch = scratch + chunk * perThreadScratch(d, kernels)
      for b in items {
        kernels.pointee.attention_forward(
          &c, query + b * d.queryLength * d.keyWidth, key + b * d.keyLength * d.keyWidth,
          value + b * d.keyLength * d.valueWidth, keyMask.map { $0 + b * d.keyLength },
          queryMask.map { $0 + b * d.queryLength }, output + b * d.queryLength * d.valueWidth,
          rowStatistics.map { $0 + b * d.heads * d.queryLength * 2 }, itemScratch)
      }
    }
  }

  /// Number of leading keys that can receive probability: one past the last kept key.
  @inline(__always)
  static func usedKeys(_ mask: UnsafePointer<Float>?, keyLength: Int) -> Int {
    guard let mask else { return keyLength }
    var used = keyLength
    while used > 0 && mask[used - 1] == 0 { used -= 1 }
    return used
  }

  /// Adds the attention gradients for each batch item and head, with P the
  /// probabilities (recomputed from the scores and the forward's `rowStatistics`,
  /// bit-identical to the forward's) and dO_h the output gradient's head block:
  /// dV_h += Pᵀ dO_h; dP = dO_h V_hᵀ; dS = P ⊙ (dP − rowsum(dP ⊙ P));
  /// dQ_h += dS K_h / √dk; dK_h += dSᵀ Q_h / √dk.
  ///
  /// Shapes as in `forward`; dQuery, dKey, dValue (nil when not wanted) have the
  /// shapes of query, key, value. `scratch` holds `scratchCount` floats. Pass the
  /// forward's `queryMask`: masked queries have zero probabilities, so they get no
  /// gradient, and the trailing ones are skipped. One fused pass per item in
  /// CVecKernels (`attention_backward`), Kᵀ and Vᵀ transposed once per item.
  package static func backward(
    query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
    keyMask: UnsafePointer<Float>?, queryMask: UnsafePointer<Float>? = nil, _ d: Dimensions,
    rowStatistics: UnsafePointer<Float>,
    gradOutput: UnsafePointer<Float>,
    dQuery: UnsafeMutablePointer<Float>?, dKey: UnsafeMutablePointer<Float>?, dValue: UnsafeMutablePointer<Float>?,
    scratch: UnsafeMutablePointer<Float>, threads: Int = Threads.count, kernels: Kernels = VectorKernels.best
  ) {
    let pointers = UncheckedSendable(
      (query, key, value, keyMask, queryMask, rowStatistics, gradOutput, dQuery, dKey, dValue, scratch, kernels))
    Threads.parallelFor(total: d.batch, minimum: minimumItemsPerChunk, threads: threads) { chunk, items in
      let (query, key, value, keyMask, queryMask, rowStatistics, gradOutput, dQuery, dKey, dValue, scratch, kernels) =
        pointers.value
      var c = d.c(scale: 1 / Float(d.keyDim).squareRoot())
      let itemScratch = scratch + chunk * perThreadScratch(d, kernels)
      let (q, k, v) = (d.queryLength * d.keyWidth, d.keyLength * d.keyWidth, d.keyLength * d.valueWidth)
      for b in items {
        kernels.pointee.attention_backward(
          &c, query + b * q, key + b * k, value + b * v, keyMask.map { $0 + b * d.keyLength },
          queryMask.map { $0 + b * d.queryLength }, rowStatistics + b * d.heads * d.queryLength * 2,
          gradOutput + b * d.queryLength * d.valueWidth, dQuery.map { $0 + b * q }, dKey.map { $0 + b * k },
          dValue.map { $0 + b * v }, itemScratch)
      }
    }
  }
}

extension Attention.Dimensions {
  /// The C kernels' view of one item's sizes.
  @inline(__always) func c(scale: Float) -> cvec_attention_dims {
    cvec_attention_dims(heads: heads, query_length: queryLength, key_length: keyLength, key_dim: keyDim,
                        value_dim: valueDim, scale: scale)
  }
}

extension Attention {
  /// The definition, for tests and the benchmark baseline: per (b, h), scores by
  /// dot-product loops, a masked softmax in Double with libm's exp, then the
  /// context by loops. Deliberately shares no code with `forward`.
  ///
  /// Shapes as in `forward`; `scratch` holds Tq·Tk floats (one score block).
  package static func naiveForward(
    query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
    keyMask: UnsafePointer<Float>?, _ d: Dimensions, output: UnsafeMutablePointer<Float>,
    scratch s: UnsafeMutablePointer<Float>
  ) {
    let (tq, tk, dk, dv, kw, vw) = (d.queryLength, d.keyLength, d.keyDim, d.valueDim, d.keyWidth, d.valueWidth)
    let scale = 1 / Double(dk).squareRoot()
    for b in 0..<d.batch {
      for h in 0..<d.heads {
        for i in 0..<tq {
          let q = query + (b * tq + i) * kw + h * dk
          for j in 0..<tk {
            let k = key + (b * tk + j) * kw + h * dk
            var dot: Double = 0
            for c in 0..<dk { dot += Double(q[c]) * Double(k[c]) }
            s[i * tk + j] = Float(dot * scale)
          }
        }
        for i in 0..<tq {
          let row = s + i * tk
          var top = -Double.infinity
          for j in 0..<tk where keyMask == nil || keyMask![b * tk + j] != 0 { top = max(top, Double(row[j])) }
          var sum: Double = 0
          for j in 0..<tk {
            let kept = keyMask == nil || keyMask![b * tk + j] != 0
            let e = kept && top > -Double.infinity ? Double.exp(Double(row[j]) - top) : 0
            row[j] = Float(e)
            sum += e
          }
          for j in 0..<tk { row[j] = sum > 0 ? Float(Double(row[j]) / sum) : 0 }
        }
        for i in 0..<tq {
          let o = output + (b * tq + i) * vw + h * dv
          for c in 0..<dv {
            var acc: Double = 0
            for j in 0..<tk { acc += Double(s[i * tk + j]) * Double(value[(b * tk + j) * vw + h * dv + c]) }
            o[c] = Float(acc)
          }
        }
      }
    }
  }
}

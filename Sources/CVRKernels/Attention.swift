// Fused multi-head scaled dot-product attention with a key-padding mask, forward
// and backward. Heads are column blocks of the last axis, addressed through the
// GEMM row strides, so nothing is transposed into [B, H, T, d].
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
  }

  /// Batch items per parallel chunk. One K5 item (H=8, T=50, d=16) is ~1 MFLOP,
  /// far above the dispatch cost, so any two items are worth splitting. Measured
  /// on K5 (`make bench`, medians): forward 16 → 9 ms, backward 15 → 9 ms from 1
  /// to 2 threads.
  static let minimumItemsPerChunk = 2

  /// Floats of scratch `forward` and `backward` need: per thread, one [Tq, Tk]
  /// block and one item's keys transposed, [H·dk, Tk].
  package static func scratchCount(_ d: Dimensions, threads: Int = Threads.count) -> Int {
    max(1, threads) * perThreadScratch(d)
  }

  @inline(__always) static func perThreadScratch(_ d: Dimensions) -> Int { d.blockCount + d.keyWidth * d.keyLength }

  /// out_h = softmax_masked(Q_h K_hᵀ / √dk) V_h for every batch item and head h.
  ///
  /// Keys with mask 0 get probability 0; a batch item with every key masked gets
  /// a zero output. Keys after an item's last kept key are skipped entirely.
  /// With a `queryMask` [B, Tq], a query with mask 0 gets a zero probability row
  /// and a zero output (out = queryMask ⊙ attention), and queries after an item's
  /// last kept query are skipped entirely (self-attention over padded sequences:
  /// about 40 % of M1's attention work).
  /// `probabilities` [B, H, Tq, Tk] keeps P for the backward pass (nil: not kept);
  /// `scratch` holds `scratchCount` floats.
  /// Parallel over the batch items; each item's products run on its chunk's thread.
  package static func forward(
    query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
    keyMask: UnsafePointer<Float>?, queryMask: UnsafePointer<Float>? = nil, _ d: Dimensions,
    output: UnsafeMutablePointer<Float>,
    probabilities: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>,
    threads: Int = Threads.count
  ) {
    let pointers = UncheckedSendable((query, key, value, keyMask, queryMask, output, probabilities, scratch))
    Threads.parallelFor(total: d.batch, minimum: minimumItemsPerChunk, threads: threads) { chunk, items in
      let (query, key, value, keyMask, queryMask, output, probabilities, scratch) = pointers.value
      for b in items {
        forwardItem(b, query: query, key: key, value: value, keyMask: keyMask, queryMask: queryMask, d, output: output,
                    blocks: probabilities.map { $0 + b * d.heads * d.blockCount },
                    scratch: scratch + chunk * perThreadScratch(d))
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

  /// One batch item: for each head, S = Q_h K_hᵀ/√dk into its block, softmax in place, O_h = P V_h.
  @inline(__always)
  private static func forwardItem(
    _ b: Int, query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
    keyMask: UnsafePointer<Float>?, queryMask: UnsafePointer<Float>?, _ d: Dimensions,
    output: UnsafeMutablePointer<Float>, blocks: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>
  ) {
    let (tk, dk, dv) = (d.keyLength, d.keyDim, d.valueDim)
    let mask = keyMask.map { $0 + b * tk }
    let rowMask = queryMask.map { $0 + b * d.queryLength }
    let used = usedKeys(mask, keyLength: tk)
    // Queries past the last kept one: zero output and probabilities, no products.
    let tq = used == 0 ? 0 : usedKeys(rowMask, keyLength: d.queryLength)
    let q = query + b * d.queryLength * d.keyWidth, k = key + b * tk * d.keyWidth
    let v = value + b * tk * d.valueWidth, o = output + b * d.queryLength * d.valueWidth
    if tq < d.queryLength {
      (o + tq * d.valueWidth).update(repeating: 0, count: (d.queryLength - tq) * d.valueWidth)
      if let blocks {
        for h in 0..<d.heads { (blocks + h * d.blockCount + tq * tk).update(repeating: 0, count: (d.queryLength - tq) * tk) }
      }
    }
    if tq == 0 { return }
    let scale = 1 / Float(dk).squareRoot()
    // Kᵀ [H·dk, used] once per item: Q_h·(Kᵀ)_h is then a plain product, which OpenBLAS
    // sends to its small-matrix kernel; Q_h·K_hᵀ took the packing path (K5: 8 → 4 ms).
    // Contiguous writes, strided reads (one item's keys, ≤ 26 KB, stay in L1), wrapping
    // index arithmetic: the row-by-row scatter with checked arithmetic was a quarter of
    // this function's own time in the M1 profile.
    let keysT = scratch + d.blockCount
    let kw = d.keyWidth
    for c in 0..<kw {
      let column = keysT + c &* used
      for t in 0..<used { column[t] = k[t &* kw &+ c] }
    }
    for h in 0..<d.heads {
      let p = blocks.map { $0 + h * d.blockCount } ?? scratch
      Gemm.multiplyUnsplit(.none, .none, m: tq, n: used, k: dk, alpha: scale,
                           a: q + h * dk, lda: d.keyWidth, b: keysT + h * dk * used, ldb: used, c: p, ldc: tk)
      for i in 0..<tq {
        let row = p + i * tk
        if let rowMask, rowMask[i] == 0 {
          row.update(repeating: 0, count: tk)
          continue
        }
        Softmax.forwardRowInPlace(row, mask: mask, cols: used)
        if used < tk { (row + used).update(repeating: 0, count: tk - used) }
      }
      Gemm.multiplyUnsplit(.none, .none, m: tq, n: dv, k: used, a: p, lda: tk, b: v + h * dv, ldb: d.valueWidth,
                           c: o + h * dv, ldc: d.valueWidth)
    }
  }

  /// Adds the attention gradients for each batch item and head, with P the kept
  /// probabilities and dO_h the output gradient's head block:
  /// dV_h += Pᵀ dO_h; dP = dO_h V_hᵀ; dS = P ⊙ (dP − rowsum(dP ⊙ P));
  /// dQ_h += dS K_h / √dk; dK_h += dSᵀ Q_h / √dk.
  ///
  /// Shapes as in `forward`; dQuery, dKey, dValue (nil when not wanted) have the
  /// shapes of query, key, value. `scratch` holds `scratchCount` floats. Pass the
  /// forward's `queryMask`: masked queries have zero probabilities, so they get no
  /// gradient, and the trailing ones are skipped.
  package static func backward(
    query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
    keyMask: UnsafePointer<Float>?, queryMask: UnsafePointer<Float>? = nil, _ d: Dimensions,
    probabilities: UnsafePointer<Float>,
    gradOutput: UnsafePointer<Float>,
    dQuery: UnsafeMutablePointer<Float>?, dKey: UnsafeMutablePointer<Float>?, dValue: UnsafeMutablePointer<Float>?,
    scratch: UnsafeMutablePointer<Float>, threads: Int = Threads.count
  ) {
    let pointers = UncheckedSendable(
      (query, key, value, keyMask, queryMask, probabilities, gradOutput, dQuery, dKey, dValue, scratch))
    Threads.parallelFor(total: d.batch, minimum: minimumItemsPerChunk, threads: threads) { chunk, items in
      let (query, key, value, keyMask, queryMask, probabilities, gradOutput, dQuery, dKey, dValue, scratch) =
        pointers.value
      for b in items {
        backwardItem(b, query: query, key: key, value: value, keyMask: keyMask, queryMask: queryMask, d,
                     blocks: probabilities + b * d.heads * d.blockCount, gradOutput: gradOutput,
                     dQuery: dQuery, dKey: dKey, dValue: dValue, scratch: scratch + chunk * perThreadScratch(d))
      }
    }
  }

  @inline(__always)
  private static func backwardItem(
    _ b: Int, query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
    keyMask: UnsafePointer<Float>?, queryMask: UnsafePointer<Float>?, _ d: Dimensions, blocks: UnsafePointer<Float>,
    gradOutput: UnsafePointer<Float>,
    dQuery: UnsafeMutablePointer<Float>?, dKey: UnsafeMutablePointer<Float>?, dValue: UnsafeMutablePointer<Float>?,
    scratch dS: UnsafeMutablePointer<Float>
  ) {
    let (tk, dk, dv) = (d.keyLength, d.keyDim, d.valueDim)
    let used = usedKeys(keyMask.map { $0 + b * tk }, keyLength: tk)
    // Trailing masked queries have zero probability rows: nothing to propagate.
    let tq = used == 0 ? 0 : usedKeys(queryMask.map { $0 + b * d.queryLength }, keyLength: d.queryLength)
    if tq == 0 { return }  // every probability is 0: no gradient reaches this item
    let (kw, vw) = (d.keyWidth, d.valueWidth)
    let q = query + b * d.queryLength * kw, k = key + b * tk * kw, v = value + b * tk * vw
    let dO = gradOutput + b * d.queryLength * vw
    let scale = 1 / Float(dk).squareRoot()
    for h in 0..<d.heads {
      let p = blocks + h * d.blockCount, dOh = dO + h * dv
      if let dValue {
        Gemm.multiplyUnsplit(.transposed, .none, m: used, n: dv, k: tq, a: p, lda: tk, b: dOh, ldb: vw,
                             beta: 1, c: dValue + b * tk * vw + h * dv, ldc: vw)
      }
      guard dQuery != nil || dKey != nil else { continue }
      Gemm.multiplyUnsplit(.none, .transposed, m: tq, n: used, k: dv, a: dOh, lda: vw, b: v + h * dv, ldb: vw,
                           c: dS, ldc: tk)
      for i in 0..<tq {
        Softmax.backwardRow(probabilities: p + i * tk, gradOutput: dS + i * tk, cols: used,
                            into: dS + i * tk, accumulate: false)
      }
      if let dQuery {
        Gemm.multiplyUnsplit(.none, .none, m: tq, n: dk, k: used, alpha: scale, a: dS, lda: tk, b: k + h * dk,
                             ldb: kw, beta: 1, c: dQuery + b * d.queryLength * kw + h * dk, ldc: kw)
      }
      if let dKey {
        Gemm.multiplyUnsplit(.transposed, .none, m: used, n: dk, k: tq, alpha: scale, a: dS, lda: tk, b: q + h * dk,
                             ldb: kw, beta: 1, c: dKey + b * tk * kw + h * dk, ldc: kw)
      }
    }
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

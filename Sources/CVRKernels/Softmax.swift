// Row softmax over the last axis with an optional key-padding mask, and its
// backward. Row functions are public so the fused attention kernel can run
// them on its score blocks in place.
import RealModule

package enum Softmax {
  /// y[i, :] = softmax over the kept entries of x[i, :]; masked entries give 0.
  ///
  /// Shapes: x and y [rows, cols]; mask nil or [rows / rowsPerMaskRow, cols] of
  /// 1 (keep) / 0 (masked), mask row g serving score rows g·r ..< (g+1)·r.
  /// A row with every entry masked outputs all zeros (PyTorch gives NaN there).
  /// x and y may be the same buffer.
  package static func forward(
    _ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, rows: Int, cols: Int,
    rowsPerMaskRow: Int, into y: UnsafeMutablePointer<Float>
  ) {
    precondition(rowsPerMaskRow >= 1 && rows % rowsPerMaskRow == 0,
                 "Softmax.forward: \(rows) rows are not groups of \(rowsPerMaskRow)")
    for i in 0..<rows {
      let maskRow = mask.map { $0 + (i / rowsPerMaskRow) * cols }
      forwardRow(x + i * cols, mask: maskRow, cols: cols, into: y + i * cols)
    }
  }

  /// One row of `forward`: y = softmax(x) over entries with mask ≠ 0 (all when mask is nil).
  ///
  /// Stable: the row maximum over kept entries is subtracted before exp. x and y
  /// may be the same row.
  @inline(__always)
  package static func forwardRow(
    _ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, cols: Int, into y: UnsafeMutablePointer<Float>
  ) {
    if UnsafePointer(y) != x { y.update(from: x, count: cols) }
    forwardRowInPlace(y, mask: mask, cols: cols)
  }

  /// `forwardRow` with the scores and the probabilities in one buffer.
  ///
  /// Reading and writing the same index lets the compiler vectorise the exp pass;
  /// with separate x and y that may alias, it adds a runtime overlap check whose
  /// scalar fallback is what an in-place call takes (measured: 4× slower).
  @inline(__always)
  package static func forwardRowInPlace(_ y: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?, cols: Int) {
    let top = keptMaximum(y, mask: mask, cols: cols)
    if top == -Float.infinity {
      // Nothing kept (or every kept score is -inf): a zero row passes zero gradient.
      y.update(repeating: 0, count: cols)
      return
    }
    if let mask {
      // Exp of every entry, then a select (vectorises; a branch around exp does not). Select rather than
      // multiply: a masked score above `top` can overflow exp to inf, and inf·0 is NaN.
      for j in 0..<cols {
        let e = FastMath.exp(y[j] - top)
        y[j] = mask[j] != 0 ? e : 0
      }
    } else {
      for j in 0..<cols { y[j] = FastMath.exp(y[j] - top) }
    }
    let inverse = 1 / laneSum(y, count: cols)
    for j in 0..<cols { y[j] *= inverse }
  }

  /// max over the kept entries (−inf when none) in four independent chains: one
  /// scalar max chain is latency-bound, and without fast-math flags the compiler
  /// will not vectorise it (measured: it cost as much as the exp pass).
  @inline(__always)
  static func keptMaximum(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, cols: Int) -> Float {
    var m0 = -Float.infinity, m1 = m0, m2 = m0, m3 = m0
    var j = 0
    if let mask {
      while j + 4 <= cols {
        let v0 = mask[j] != 0 ? x[j] : -.infinity, v1 = mask[j + 1] != 0 ? x[j + 1] : -.infinity
        let v2 = mask[j + 2] != 0 ? x[j + 2] : -.infinity, v3 = mask[j + 3] != 0 ? x[j + 3] : -.infinity
        m0 = v0 > m0 ? v0 : m0; m1 = v1 > m1 ? v1 : m1
        m2 = v2 > m2 ? v2 : m2; m3 = v3 > m3 ? v3 : m3
        j += 4
      }
      while j < cols {
        if mask[j] != 0 && x[j] > m0 { m0 = x[j] }
        j += 1
      }
    } else {
      while j + 4 <= cols {
        m0 = x[j] > m0 ? x[j] : m0; m1 = x[j + 1] > m1 ? x[j + 1] : m1
        m2 = x[j + 2] > m2 ? x[j + 2] : m2; m3 = x[j + 3] > m3 ? x[j + 3] : m3
        j += 4
      }
      while j < cols {
        if x[j] > m0 { m0 = x[j] }
        j += 1
      }
    }
    return max(max(m0, m1), max(m2, m3))
  }

  /// Σ y over `count` elements; `Relaxed` lets the sum vectorise (several partial sums).
  @inline(__always)
  static func laneSum(_ y: UnsafePointer<Float>, count: Int) -> Float {
    var total: Float = 0
    for j in 0..<count { total = Relaxed.sum(total, y[j]) }
    return total
  }

  /// dx[i, :] += p ⊙ (dy − Σ_j dy·p), the softmax vector-Jacobian product.
  ///
  /// Shapes: p (the forward output), dy and dx [rows, cols]. Masked entries have
  /// p = 0 and so get no gradient; a fully masked row gets none at all.
  package static func backward(
    probabilities p: UnsafePointer<Float>, gradOutput dy: UnsafePointer<Float>, rows: Int, cols: Int,
    accumulatingInto dx: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<rows {
      backwardRow(probabilities: p + i * cols, gradOutput: dy + i * cols, cols: cols,
                  into: dx + i * cols, accumulate: true)
    }
  }

  /// One row of `backward`; with `accumulate` false it assigns instead of adding,
  /// and dx may then be the same buffer as dy (the attention kernel's dP → dS).
  @inline(__always)
  package static func backwardRow(
    probabilities p: UnsafePointer<Float>, gradOutput dy: UnsafePointer<Float>, cols: Int,
    into dx: UnsafeMutablePointer<Float>, accumulate: Bool
  ) {
    var dot: Double = 0
    for j in 0..<cols { dot = Relaxed.sum(dot, Double(dy[j] * p[j])) }
    let d = Float(dot)
    if accumulate {
      for j in 0..<cols { dx[j] += p[j] * (dy[j] - d) }
    } else {
      for j in 0..<cols { dx[j] = p[j] * (dy[j] - d) }
    }
  }
}

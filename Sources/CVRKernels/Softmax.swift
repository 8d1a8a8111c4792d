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

  /// `forwardRow` with the scores and the probabilities in one buffer: the C vector
  /// kernel (CVecKernels `softmax_row`, AVX-512 / AVX2 / portable by CPU) with
  /// FastMath.exp's polynomial. Measured against the Swift loop it replaced
  /// (`BENCH_TUNE=vec`, docs/performance.md).
  @inline(__always)
  package static func forwardRowInPlace(_ y: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?, cols: Int) {
    VectorKernels.best.pointee.softmax_row(y, mask, cols)
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

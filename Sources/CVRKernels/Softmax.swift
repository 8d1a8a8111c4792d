// Row softmax over the last axis with an optional key-padding mask, and its
// backward. Row functions are public so the fused attention kernel can run
// them on its score blocks in place.
import RealModule

public enum Softmax {
  /// y[i, :] = softmax over the kept entries of x[i, :]; masked entries give 0.
  ///
  /// Shapes: x and y [rows, cols]; mask nil or [rows / rowsPerMaskRow, cols] of
  /// 1 (keep) / 0 (masked), mask row g serving score rows g·r ..< (g+1)·r.
  /// A row with every entry masked outputs all zeros (PyTorch gives NaN there).
  /// x and y may be the same buffer.
  public static func forward(
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
  /// Stable: the row maximum over kept entries is subtracted before exp.
  @inline(__always)
  public static func forwardRow(
    _ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, cols: Int, into y: UnsafeMutablePointer<Float>
  ) {
    guard let mask else {
      var top = -Float.infinity
      for j in 0..<cols { top = max(top, x[j]) }
      if top == -Float.infinity {
        y.update(repeating: 0, count: cols)
        return
      }
      var sum: Double = 0
      for j in 0..<cols {
        let e = FastMath.exp(x[j] - top)
        y[j] = e
        sum = Relaxed.sum(sum, Double(e))
      }
      scaleRow(y, cols: cols, sum: sum)
      return
    }
    var top = -Float.infinity
    for j in 0..<cols where mask[j] != 0 { top = max(top, x[j]) }
    if top == -Float.infinity {
      // Nothing kept (or every kept score is -inf): a zero row passes zero gradient.
      y.update(repeating: 0, count: cols)
      return
    }
    var sum: Double = 0
    for j in 0..<cols {
      // Select rather than multiply: a masked score above `top` would make exp overflow to inf, and inf·0 is NaN.
      let e = mask[j] != 0 ? FastMath.exp(x[j] - top) : 0
      y[j] = e
      sum = Relaxed.sum(sum, Double(e))
    }
    scaleRow(y, cols: cols, sum: sum)
  }

  @inline(__always)
  private static func scaleRow(_ y: UnsafeMutablePointer<Float>, cols: Int, sum: Double) {
    let inverse = Float(1 / sum)
    for j in 0..<cols { y[j] *= inverse }
  }

  /// dx[i, :] += p ⊙ (dy − Σ_j dy·p), the softmax vector-Jacobian product.
  ///
  /// Shapes: p (the forward output), dy and dx [rows, cols]. Masked entries have
  /// p = 0 and so get no gradient; a fully masked row gets none at all.
  public static func backward(
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
  public static func backwardRow(
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

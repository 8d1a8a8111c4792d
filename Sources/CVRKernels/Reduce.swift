// Reductions over rows and columns of row-major matrices.
import RealModule

package enum Reduce {
  /// sums[j] += Σ_i x[i, j] for x [rows, cols] (bias gradients).
  package static func addColumnSums(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, into sums: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<rows {
      let row = x + i * cols
      for j in 0..<cols { sums[j] += row[j] }
    }
  }

  /// Σ x over `count` elements, accumulated in Double.
  package static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var total: Double = 0
    for i in 0..<count { total = Relaxed.sum(total, Double(x[i])) }
    return total
  }
}

// MARK: - Reductions over one axis (appended for the sum/mean ops)

extension Reduce {
  /// out[o, i] = alpha · Σ_d x[o, d, i] for x seen as [outer, dim, inner].
  ///
  /// Sums are accumulated in Double: per row (inner = 1) with vector lanes, and
  /// otherwise in stack tiles of 256 columns so nothing is allocated.
  package static func sumAxis(
    _ x: UnsafePointer<Float>, outer: Int, dim: Int, inner: Int, alpha: Float = 1,
    into out: UnsafeMutablePointer<Float>
  ) {
    if inner == 1 {
      for o in 0..<outer { out[o] = Float(sum(x + o * dim, count: dim) * Double(alpha)) }
      return
    }
    let tile = 256
    withUnsafeTemporaryAllocation(of: Double.self, capacity: tile) { buffer in
      let acc = buffer.baseAddress!
      for o in 0..<outer {
        let xo = x + o * dim * inner, oo = out + o * inner
        for i0 in stride(from: 0, to: inner, by: tile) {
          let width = min(tile, inner - i0)
          acc.update(repeating: 0, count: width)
          for d in 0..<dim {
            let row = xo + d * inner + i0
            for i in 0..<width { acc[i] += Double(row[i]) }
          }
          for i in 0..<width { oo[i0 + i] = Float(acc[i] * Double(alpha)) }
        }
      }
    }
  }

  /// dx[o, d, i] += alpha · g[o, i] for dx seen as [outer, dim, inner] (sumAxis's backward).
  package static func broadcastAxis(
    _ g: UnsafePointer<Float>, outer: Int, dim: Int, inner: Int, alpha: Float = 1,
    into dx: UnsafeMutablePointer<Float>
  ) {
    for o in 0..<outer {
      let go = g + o * inner
      for d in 0..<dim {
        let row = dx + (o * dim + d) * inner
        for i in 0..<inner { row[i] += alpha * go[i] }
      }
    }
  }
}

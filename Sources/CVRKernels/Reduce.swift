// Reductions over rows and columns of row-major matrices.
import RealModule

public enum Reduce {
  /// sums[j] += Σ_i x[i, j] for x [rows, cols] (bias gradients).
  public static func addColumnSums(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, into sums: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<rows {
      let row = x + i * cols
      for j in 0..<cols { sums[j] += row[j] }
    }
  }

  /// Σ x over `count` elements, accumulated in Double.
  public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var total: Double = 0
    for i in 0..<count { total = Relaxed.sum(total, Double(x[i])) }
    return total
  }
}

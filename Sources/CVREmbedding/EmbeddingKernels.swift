// Row gathers and sparse scatter-adds over resolved row indices (−1 = padding):
// tight pointer loops of `dim` floats per id, no allocation. Single-threaded: the
// scatter appends to one SparseRowGradient and cannot be split as is; splitting the
// gather (≈ 80 µs for K6) over threads has not been measured yet.
import CVRAutograd

public enum EmbeddingKernels {
  /// out[i, :] = table[rows[i], :] for i < count, zeros where rows[i] < 0.
  ///
  /// Shapes: table [vocab, dim], rows [count], out [count, dim].
  public static func gather(
    table: UnsafePointer<Float>, dim: Int, rows: UnsafePointer<Int32>, count: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<count {
      let dst = out + i * dim
      let row = Int(rows[i])
      if row < 0 {
        for j in 0..<dim { dst[j] = 0 }
      } else {
        copyRow(table + row * dim, to: dst, dim: dim)
      }
    }
  }

  /// grad[rows[i], :] += gradOutput[i, :] for every i with rows[i] ≥ 0; duplicate
  /// rows merge in the one accumulator `SparseRowGradient` keeps per row.
  ///
  /// Shapes: gradOutput [count, dim], rows [count]; gradient width dim.
  public static func scatterAdd(
    _ gradOutput: UnsafePointer<Float>, dim: Int, rows: UnsafePointer<Int32>, count: Int,
    into gradient: SparseRowGradient
  ) {
    for i in 0..<count {
      let row = Int(rows[i])
      if row < 0 { continue }
      addRow(gradOutput + i * dim, to: gradient.accumulator(forRow: row), dim: dim)
    }
  }

  /// out[b, :] = weights[b] · Σ_v table[rows[b, v], :] over the v with rows[b, v] ≥ 0.
  ///
  /// Shapes: table [vocab, dim], rows [bags, width], weights [bags], out [bags, dim].
  public static func gatherPooled(
    table: UnsafePointer<Float>, dim: Int, rows: UnsafePointer<Int32>, bags: Int, width: Int,
    weights: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>
  ) {
    for b in 0..<bags {
      let dst = out + b * dim
      for j in 0..<dim { dst[j] = 0 }
      let w = weights[b]
      if w == 0 { continue }
      for v in 0..<width {
        let row = Int(rows[b * width + v])
        if row < 0 { continue }
        addRow(table + row * dim, to: dst, dim: dim)
      }
      if w != 1 { for j in 0..<dim { dst[j] *= w } }
    }
  }

  /// grad[rows[b, v], :] += weights[b] · gradOutput[b, :] for every v with rows[b, v] ≥ 0.
  ///
  /// Shapes: gradOutput [bags, dim], rows [bags, width], weights [bags].
  public static func scatterAddPooled(
    _ gradOutput: UnsafePointer<Float>, dim: Int, rows: UnsafePointer<Int32>, bags: Int, width: Int,
    weights: UnsafePointer<Float>, into gradient: SparseRowGradient
  ) {
    for b in 0..<bags {
      let w = weights[b]
      if w == 0 { continue }
      let src = gradOutput + b * dim
      for v in 0..<width {
        let row = Int(rows[b * width + v])
        if row < 0 { continue }
        let acc = gradient.accumulator(forRow: row)
        for j in 0..<dim { acc[j] += w * src[j] }
      }
    }
  }

  // MARK: - Rows of dim floats

  // A row of 8 floats (K6, M3) moves as one 32-byte SIMD8 load and store: the K6
  // gather took 79 µs instead of 121 µs with the generic loop. A loop over SIMD8
  // chunks for other multiples of 8 measured slower than that special case, so
  // other widths keep the plain loop, which the compiler vectorises.

  /// dst[j] = src[j] for j < dim.
  @inline(__always)
  static func copyRow(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, dim: Int) {
    if dim == 8 {
      UnsafeMutableRawPointer(dst).storeBytes(
        of: UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
    } else {
      for j in 0..<dim { dst[j] = src[j] }
    }
  }

  /// dst[j] += src[j] for j < dim.
  @inline(__always)
  static func addRow(_ src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, dim: Int) {
    if dim == 8 {
      let sum = UnsafeRawPointer(dst).loadUnaligned(as: SIMD8<Float>.self)
        + UnsafeRawPointer(src).loadUnaligned(as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(dst).storeBytes(of: sum, as: SIMD8<Float>.self)
    } else {
      for j in 0..<dim { dst[j] += src[j] }
    }
  }
}

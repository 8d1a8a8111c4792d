// The squared Maximum Mean Discrepancy between two equal-size batches with a
// Gaussian kernel (one bandwidth or a multi-bandwidth sum), built from the tape's
// matmul, broadcast and exp ops, so its gradient is theirs.
import CVRKernels

/// The kernel of `Tape.mmdSquared`: k(a, b) = Σ_q exp(−‖a − b‖² / (σ̄ · s_q)), the
/// bandwidth σ̄ read from the data (the mean pairwise squared distance, detached).
public struct MMDKernel: Sendable, Equatable {
  /// The factors s_q on the data bandwidth σ̄, one Gaussian each.
  public var scales: [Float]
  /// A fixed σ̄ instead of the data's (nil: the data's). With it MMD² is a smooth
  /// function of X and Y alone, which finite differences can check.
  public var bandwidth: Float?

  public init(scales: [Float], bandwidth: Float? = nil) {
    precondition(!scales.isEmpty && scales.allSatisfy { $0 > 0 }, "MMDKernel: scales must be positive, got \(scales)")
    precondition(bandwidth.map { $0 > 0 } ?? true, "MMDKernel: a fixed bandwidth must be positive")
    self.scales = scales
    self.bandwidth = bandwidth
  }

  /// One Gaussian at σ̄ (workload M3: "single Gaussian kernel, bandwidth the
  /// detached mean pairwise squared distance").
  public static let single = MMDKernel(scales: [1])
  /// Five Gaussians at σ̄ · 2^(q−2), q = 0 … 4 (the EVI `MMDLoss` of seeds-code.md §2.5,
  /// the DAN/JAN lineage's multi-kernel MMD, Long et al. ICML 2015).
  public static let multiBandwidth = MMDKernel(scales: [0.25, 0.5, 1, 2, 4])
}

extension Tape {
  /// MMD²(X, Y) = (1/n²) Σ_ij k(x_i, x_j) + (1/n²) Σ_ij k(y_i, y_j) − (2/n²) Σ_ij k(x_i, y_j),
  /// the biased estimator of Gretton et al. JMLR 2012 (Eq. 5; EGEAN Eq. 6 names the
  /// population form), with `kernel`'s Gaussians.
  ///
  /// The bandwidth is `kernel.bandwidth` when set, else σ̄ = Σ_{a≠b} ‖z_a − z_b‖² / (m² − m) over the m = 2n rows of
  /// Z = [X; Y], a constant (no gradient, as `.data` in the EVI code); when every row
  /// is the same point (σ̄ = 0) it is taken as 1, the kernel being 1 everywhere then.
  /// X = Y gives 0 (up to rounding); the value is ≥ 0 up to rounding (k is positive definite).
  ///
  /// Shapes: x [n, d], y [n, d], n ≥ 1; out []. Cost: one m × m × d product and a few
  /// m × m elementwise passes (m = 2n).
  public func mmdSquared(_ x: Tensor, _ y: Tensor, kernel: MMDKernel = .single) -> Tensor {
    precondition(x.shape.rank == 2 && x.shape == y.shape, "mmdSquared: x \(x.shape) and y \(y.shape) must be the same [n, d]")
    let n = x.shape[0], m = 2 * n
    let z = concat([x, y], axis: 0)
    let norms = sum(mul(z, z), axis: 1)
    // ‖z_a − z_b‖² = ‖z_a‖² + ‖z_b‖² − 2 z_a·z_b
    let gram = matmul(z, z, transposeB: true)
    let distances = add(add(norms.reshaped(Shape(m, 1)), norms.reshaped(Shape(1, m))), scale(gram, by: -2))
    let bandwidth = kernel.bandwidth ?? Self.dataBandwidth(distances, rows: m)
    var k: Tensor? = nil
    for s in kernel.scales {
      let term = exp(scale(distances, by: -1 / (bandwidth * s)))
      k = k.map { add($0, term) } ?? term
    }
    // Block signs: +1/n² on XX and YY, −1/n² on XY and YX.
    let signs = empty(Shape(m, m))
    let w = 1 / Float(n * n)
    for a in 0..<m {
      let row = signs.data + a * m
      row.update(repeating: a < n ? w : -w, count: n)
      (row + n).update(repeating: a < n ? -w : w, count: n)
    }
    return sum(mul(k!, signs))
  }

  /// σ̄ = Σ_{a≠b} D_ab / (m² − m) of an [m, m] squared-distance matrix (1 when it is 0).
  private static func dataBandwidth(_ distances: Tensor, rows m: Int) -> Float {
    let total = Reduce.sum(distances.data, count: m * m)
    let mean = m > 1 ? total / Double(m * m - m) : 0
    return mean > 0 ? Float(mean) : 1
  }

  /// σ̄ of `mmdSquared(x, y)`: the mean pairwise squared distance over the rows of [x; y].
  public func mmdBandwidth(_ x: Tensor, _ y: Tensor) -> Float {
    withoutRecording {
      let z = concat([x.detached, y.detached], axis: 0), m = z.shape[0]
      let norms = sum(mul(z, z), axis: 1)
      let distances = add(add(norms.reshaped(Shape(m, 1)), norms.reshaped(Shape(1, m))),
                          scale(matmul(z, z, transposeB: true), by: -2))
      return Self.dataBandwidth(distances, rows: m)
    }
  }
}

// Loss kernels: binary cross-entropy on logits and squared error. Forward
// passes return the SUM over elements in Double; the caller divides by N.
import RealModule

package enum Loss {
  /// Σ_i w_i · (max(z_i, 0) − z_i·y_i + log1p(e^−|z_i|)), the cross-entropy of
  /// σ(z) against labels y, stable for any |z|. `weights` nil means all 1.
  package static func binaryCrossEntropyWithLogits(
    _ z: UnsafePointer<Float>, labels y: UnsafePointer<Float>, weights w: UnsafePointer<Float>?, count: Int
  ) -> Double {
    var total: Double = 0
    if let w {
      for i in 0..<count { total = Relaxed.sum(total, Double(w[i] * logitLoss(z[i], y[i]))) }
    } else {
      for i in 0..<count { total = Relaxed.sum(total, Double(logitLoss(z[i], y[i]))) }
    }
    return total
  }

  /// max(z, 0) − z·y + log1p(e^−|z|): never exponentiates a positive number.
  @inline(__always)
  package static func logitLoss(_ z: Float, _ y: Float) -> Float {
    (z > 0 ? z : 0) - z * y + Float.log(onePlus: FastMath.exp(-abs(z)))
  }

  /// dz_i += scale · w_i · (σ(z_i) − y_i); pass scale = (upstream gradient) / N.
  package static func binaryCrossEntropyWithLogitsBackward(
    _ z: UnsafePointer<Float>, labels y: UnsafePointer<Float>, weights w: UnsafePointer<Float>?, count: Int,
    scale: Float, into dz: UnsafeMutablePointer<Float>
  ) {
    if let w {
      for i in 0..<count { dz[i] += scale * w[i] * (FastMath.sigmoid(z[i]) - y[i]) }
    } else {
      for i in 0..<count { dz[i] += scale * (FastMath.sigmoid(z[i]) - y[i]) }
    }
  }

  /// Σ_i (p_i − t_i)².
  package static func squaredError(_ p: UnsafePointer<Float>, _ t: UnsafePointer<Float>, count: Int) -> Double {
    var total: Double = 0
    for i in 0..<count {
      let d = Double(p[i]) - Double(t[i])
      total = Relaxed.multiplyAdd(d, d, total)
    }
    return total
  }

  /// dp_i += 2·scale·(p_i − t_i) and dt_i −= the same; either may be nil.
  /// Pass scale = (upstream gradient) / N.
  package static func squaredErrorBackward(
    _ p: UnsafePointer<Float>, _ t: UnsafePointer<Float>, count: Int, scale: Float,
    dp: UnsafeMutablePointer<Float>?, dt: UnsafeMutablePointer<Float>?
  ) {
    let s = 2 * scale
    if let dp { for i in 0..<count { dp[i] += s * (p[i] - t[i]) } }
    if let dt { for i in 0..<count { dt[i] -= s * (p[i] - t[i]) } }
  }
}

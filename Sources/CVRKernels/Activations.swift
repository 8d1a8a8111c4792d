// Pointwise activations (forward and accumulating backward) and the row-wise
// L2 normalisation. Backward passes that can be written in the output (sigmoid,
// tanh, exp) read the forward output instead of recomputing from the input.
import RealModule

/// Activation kernels over `count` contiguous elements; backward adds into `dx`.
package enum Activation {
  // MARK: - ReLU family

  /// y = max(x, 0).
  package static func reluForward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] = x[i] > 0 ? x[i] : 0 }
  }

  /// dx += g · [x > 0]; the slope at exactly 0 is taken as 0.
  package static func reluBackward(
    _ x: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    // g is read unconditionally so the select becomes a vector blend, not a branch.
    for i in 0..<count {
      let gi = g[i]
      dx[i] += x[i] > 0 ? gi : 0
    }
  }

  /// y = x for x > 0, slope · x otherwise.
  package static func leakyReluForward(
    _ x: UnsafePointer<Float>, slope: Float, into y: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count {
      let xi = x[i]
      y[i] = xi > 0 ? xi : slope * xi
    }
  }

  /// dx += g for x > 0, slope · g otherwise (so the slope at exactly 0 is `slope`).
  package static func leakyReluBackward(
    _ x: UnsafePointer<Float>, slope: Float, gradOutput g: UnsafePointer<Float>,
    into dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count {
      let gi = g[i]
      dx[i] += x[i] > 0 ? gi : slope * gi
    }
  }

  /// y = min(max(x, lower), upper).
  package static func clampForward(
    _ x: UnsafePointer<Float>, lower: Float, upper: Float, into y: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count {
      let v = x[i] < lower ? lower : x[i]
      y[i] = v > upper ? upper : v
    }
  }

  /// dx += g where lower < x < upper strictly; 0 at the edges and outside.
  package static func clampBackward(
    _ x: UnsafePointer<Float>, lower: Float, upper: Float, gradOutput g: UnsafePointer<Float>,
    into dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count {
      let (xi, gi) = (x[i], g[i])
      dx[i] += xi > lower && xi < upper ? gi : 0
    }
  }

  // MARK: - Smooth activations

  /// y = 1 / (1 + e^-x), as FastMath.sigmoid in the C vector kernels (CVecKernels).
  package static func sigmoidForward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    VectorKernels.best.pointee.sigmoid(x, y, count)
  }

  /// dx += g · y · (1 − y), with y the sigmoid output.
  package static func sigmoidBackward(
    output y: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count { dx[i] += g[i] * y[i] * (1 - y[i]) }
  }

  /// y = tanh(x).
  package static func tanhForward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] = tanh(x[i]) }
  }

  /// dx += g · (1 − y²), with y the tanh output.
  package static func tanhBackward(
    output y: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count { dx[i] += g[i] * (1 - y[i] * y[i]) }
  }

  /// y = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so large |x| neither
  /// overflows nor loses the small term.
  package static func softplusForward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count {
      let v = x[i]
      y[i] = (v > 0 ? v : 0) + Float.log(onePlus: FastMath.exp(-abs(v)))
    }
  }

  /// dx += g · σ(x).
  package static func softplusBackward(
    _ x: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count { dx[i] += g[i] * FastMath.sigmoid(x[i]) }
  }

  /// y = e^x (FastMath: 0 below −86.6, +inf above 88.72).
  package static func expForward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    FastMath.exp(x, y, count: count)
  }

  /// dx += g · y, with y = e^x the forward output.
  package static func expBackward(
    output y: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count { dx[i] += g[i] * y[i] }
  }

  /// y = ln x (−inf at 0, NaN below).
  package static func logForward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] = Float.log(x[i]) }
  }

  /// dx += g / x.
  package static func logBackward(
    _ x: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count { dx[i] += g[i] / x[i] }
  }

  /// tanh(x) to about 2 ulp, branch-free so loops vectorise (Cephes' tanhf):
  /// an odd polynomial for |x| < 0.625, where 1 − 2/(e^2|x| + 1) would cancel;
  /// the exponential form beyond, which saturates to ±1 without overflow.
  @inline(__always)
  package static func tanh(_ x: Float) -> Float {
    let z = x * x
    var p: Float = -5.704_988_727_45e-3
    p = p * z + 2.063_908_879_54e-2
    p = p * z - 5.373_971_555_31e-2
    p = p * z + 1.333_144_220_36e-1
    p = p * z - 3.333_328_194_22e-1
    let small = p * z * x + x
    let a = abs(x)
    let large = 1 - 2 / (FastMath.exp(2 * a) + 1)
    return a < 0.625 ? small : (x < 0 ? -large : large)
  }
}

/// Row-wise L2 normalisation of a [rows, cols] matrix.
package enum RowNormalize {
  /// y[r] = x[r] / max(‖x[r]‖, epsilon).
  package static func l2Forward(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, epsilon: Float, into y: UnsafeMutablePointer<Float>
  ) {
    for r in 0..<rows {
      let xr = x + r * cols, yr = y + r * cols
      let inverse = 1 / max(norm(xr, cols), epsilon)
      for j in 0..<cols { yr[j] = xr[j] * inverse }
    }
  }

  /// dx[r] += (g[r] − y[r]·(y[r]·g[r])) / ‖x[r]‖ when ‖x[r]‖ > epsilon, else g[r] / epsilon
  /// (there the map is the linear x / epsilon).
  package static func l2Backward(
    _ x: UnsafePointer<Float>, output y: UnsafePointer<Float>, gradOutput g: UnsafePointer<Float>,
    rows: Int, cols: Int, epsilon: Float, into dx: UnsafeMutablePointer<Float>
  ) {
    for r in 0..<rows {
      let xr = x + r * cols, yr = y + r * cols, gr = g + r * cols, dr = dx + r * cols
      let n = norm(xr, cols)
      if n > epsilon {
        var dot: Double = 0
        for j in 0..<cols { dot = Relaxed.multiplyAdd(Double(yr[j]), Double(gr[j]), dot) }
        let (inverse, d) = (1 / n, Float(dot))
        for j in 0..<cols { dr[j] += (gr[j] - yr[j] * d) * inverse }
      } else {
        let inverse = 1 / epsilon
        for j in 0..<cols { dr[j] += gr[j] * inverse }
      }
    }
  }

  /// ‖x‖ over `count` elements, squares summed in Double (no overflow for any Float input).
  @inline(__always)
  static func norm(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
    var s: Double = 0
    for j in 0..<count { s = Relaxed.multiplyAdd(Double(x[j]), Double(x[j]), s) }
    return Float(s.squareRoot())
  }
}

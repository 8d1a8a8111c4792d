// A branch-free exp that the compiler vectorises (libm's expf is a call per
// element and blocks vectorisation). Softmax, sigmoid and softplus use it; the
// array forms run the same scheme in the C vector kernels.

package enum FastMath {
  /// e^x to about 2 ulp over the normal range; 0 below -86.6 (where e^x < 2.4e-38,
  /// subnormals are flushed), +inf above 88.72.
  ///
  /// Cephes' expf scheme: x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-6
  /// polynomial, 2^n assembled in the exponent bits. Rounding to nearest uses the
  /// 1.5·2^23 trick so no libm call or SSE4.1 instruction is needed.
  @inlinable @inline(__always)
  package static func exp(_ x: Float) -> Float {
    let clamped = x < -86.6 ? -86.6 : (x > 88.72283 ? 88.72283 : x)
    let shifted = clamped * 1.442_695_04 + 12_582_912.0
    let n = shifted - 12_582_912.0
    var r = clamped - n * 0.693_359_375
    r = r - n * -2.121_944_4e-4
    var p: Float = 1.987_569_15e-4
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let er = (p * r * r + r) + 1
    // n sits in the low mantissa bits of `shifted`: reading it there avoids a trapping
    // Float→Int conversion (NaN passes through) and keeps the loop vectorisable.
    // n is in [-125, 128]; 2^n = 2^(n-1)·2 keeps the biased exponent in range at n = 128.
    let bits = (shifted.bitPattern &- 0x4B40_0000 &+ 126) << 23
    let y = er * Float(bitPattern: bits) * 2
    return x < -86.6 ? 0 : (x > 88.72283 ? .infinity : y)
  }

  /// y[i] = e^(x[i]); x and y may be the same buffer. The same polynomial in the C
  /// vector kernels (CVecKernels, AVX-512 / AVX2+FMA / portable by CPU): the fused
  /// multiply-adds of the wide levels round differently, within 2 ulp of this
  /// scalar version (FastMathTests).
  package static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    VectorKernels.best.pointee.exp(x, y, count)
  }

  /// 1 / (1 + e^-x), without overflow for large |x|.
  @inlinable @inline(__always)
  package static func sigmoid(_ x: Float) -> Float {
    let e = exp(-abs(x))  // in (0, 1]
    let s = 1 / (1 + e)
    return x >= 0 ? s : e * s
  }
}

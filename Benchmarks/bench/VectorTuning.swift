// BENCH_TUNE=vec: which way to write the pointwise kernels wide. The same exp
// polynomial (FastMath's) as a plain Swift loop (vectorised for SSE, the
// package's target), as Swift SIMD16<Float>, and as the C kernels at each level
// this CPU runs; likewise a masked softmax row of 50. Interleaved round by round.
// FastMath.exp is @inlinable, so the Swift loops here vectorise as they would in CVRKernels.
import CVRCore
import CVRKernels
import RealModule

enum VectorTuning {
  /// FastMath.exp's scheme on 16 lanes of Swift SIMD (the alternative to the C target).
  @inline(__always)
  static func exp16(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let lo = SIMD16<Float>(repeating: -86.6), hi = SIMD16<Float>(repeating: 88.72283)
    let c = x.clamped(lowerBound: lo, upperBound: hi)
    let shifted = c * 1.442_695_04 + 12_582_912.0
    let n = shifted - 12_582_912.0
    var r = c - n * 0.693_359_375
    r = r - n * -2.121_944_4e-4
    var p = SIMD16<Float>(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let er = (p * r * r + r) + 1
    let bits = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 126) &<< 23
    var y = er * unsafeBitCast(bits, to: SIMD16<Float>.self) * 2
    y.replace(with: 0, where: x .< lo)
    y.replace(with: Float.infinity, where: x .> hi)
    return y
  }

  static func swiftSIMDExp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 16 <= count {
      let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
      UnsafeMutableRawPointer(y + i).storeBytes(of: exp16(v), as: SIMD16<Float>.self)
      i += 16
    }
    while i < count { y[i] = FastMath.exp(x[i]); i += 1 }
  }

  static func swiftScalarExp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] = FastMath.exp(x[i]) }
  }

  static func run() {
    let count = 65_536
    let x = UnsafeMutablePointer<Float>.allocate(capacity: count), y = UnsafeMutablePointer<Float>.allocate(capacity: count)
    var rng = SeededGenerator(seed: 9)
    for i in 0..<count { x[i] = rng.nextFloat(in: -20, 20) }
    let mask = UnsafeMutablePointer<Float>.allocate(capacity: 50)
    for j in 0..<50 { mask[j] = j < 37 ? 1 : 0 }
    var variants: [(String, () -> Void)] = [
      ("exp swift-loop (SSE)", { swiftScalarExp(x, y, count: count) }),
      ("exp swift-SIMD16", { swiftSIMDExp(x, y, count: count) }),
      ("softmax50 swift-loop", { for r in 0..<(count / 64) { Softmax.forwardRowInPlaceSwift(y + r * 64, mask: mask, cols: 50) } }),
    ]
    for kernels in VectorKernels.available {
      let name = VectorKernels.name(kernels)
      variants.append(("exp C-\(name)", { kernels.pointee.exp(x, y, count) }))
      variants.append(("softmax50 C-\(name)", { for r in 0..<(count / 64) { kernels.pointee.softmax_row(y + r * 64, mask, 50) } }))
    }
    var samples = [[Double]](repeating: [], count: variants.count)
    for _ in 0..<rounds {
      for (v, variant) in variants.enumerated() {
        if variant.0.hasPrefix("softmax") { for i in 0..<count { y[i] = x[i] } }
        samples[v] += Harness.samples(budgetSeconds: 0.05, variant.1)
      }
    }
    for (v, variant) in variants.enumerated() {
      let median = Harness.summarize(samples[v]).median
      print("\(variant.0.padding(32)) median \(String(format: "%.1f", median * 1e6)) µs  (\(count) elements)")
    }
  }
}

private extension String {
  func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

extension Softmax {
  /// The Swift loop the C softmax row replaced (compiled for SSE), kept here for the comparison.
  static func forwardRowInPlaceSwift(_ y: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>?, cols: Int) {
    let top = keptMaximumSwift(y, mask: mask, cols: cols)
    if top == -Float.infinity {
      y.update(repeating: 0, count: cols)
      return
    }
    if let mask {
      for j in 0..<cols {
        let e = FastMath.exp(y[j] - top)
        y[j] = mask[j] != 0 ? e : 0
      }
    } else {
      for j in 0..<cols { y[j] = FastMath.exp(y[j] - top) }
    }
    var total: Float = 0
    for j in 0..<cols { total = Relaxed.sum(total, y[j]) }
    let inverse = 1 / total
    for j in 0..<cols { y[j] *= inverse }
  }

  /// max over the kept entries in four independent chains (the Swift version's).
  static func keptMaximumSwift(_ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, cols: Int) -> Float {
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
    } else {
      while j + 4 <= cols {
        m0 = x[j] > m0 ? x[j] : m0; m1 = x[j + 1] > m1 ? x[j + 1] : m1
        m2 = x[j + 2] > m2 ? x[j + 2] : m2; m3 = x[j + 3] > m3 ? x[j + 3] : m3
        j += 4
      }
    }
    while j < cols {
      if (mask == nil || mask![j] != 0) && x[j] > m0 { m0 = x[j] }
      j += 1
    }
    return max(max(m0, m1), max(m2, m3))
  }
}

// BENCH_TUNE=vec: which way to write the pointwise kernels wide. The same exp
// polynomial (FastMath's) as a plain Swift loop (vectorised for SSE, the
// package's target) and as the C kernels at each level this CPU runs; likewise a
// masked softmax row of 50. Interleaved round by round. (A Swift SIMD16<Float>
// version of the polynomial was 2.5x slower than the Swift loop and is gone:
// docs/performance.md, "Wide vectors".)
// FastMath.exp is @inlinable, so the Swift loops here vectorise as they would in CVRKernels.
import CVRCore
import CVRKernels
import RealModule

enum VectorTuning {
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

// The C vector kernels (exp, sigmoid, softmax row) at every level this CPU runs
// against the scalar FastMath versions and Double references, with the odd
// lengths that exercise each level's tail.
import CVRCore
import CVRKernels
import CVecKernels
import Foundation
import Testing

@Suite struct VectorKernelTests {
  /// Distance in units in the last place between two finite Floats of the same sign.
  static func ulps(_ a: Float, _ b: Float) -> Int {
    if a == b { return 0 }
    return abs(Int(Int32(bitPattern: a.bitPattern)) - Int(Int32(bitPattern: b.bitPattern)))
  }

  @Test func expIsWithinTwoUlpOfTheScalarVersionAtEveryLevel() {
    var x: [Float] = []
    var v: Float = -87.5
    while v < 89 { x.append(v); v += 0.0173 }
    x += [0, -0, -86.6, 88.72283, -200, 200, .infinity, -.infinity]
    for kernels in VectorKernels.available {
      for count in [x.count, 1, 7, 17, 33] {
        var y = [Float](repeating: .nan, count: count)
        kernels.pointee.exp(x, &y, count)
        var worst = 0
        for i in 0..<count {
          let want = FastMath.exp(x[i])
          if want == 0 || want.isInfinite { #expect(y[i] == want, "x=\(x[i])"); continue }
          worst = max(worst, Self.ulps(y[i], want))
          // And against e^x in Double: 3 ulp is 3.6e-7 relative.
          let exact = Foundation.exp(Double(x[i]))
          #expect(abs(Double(y[i]) - exact) / exact < 3.6e-7, "\(VectorKernels.name(kernels)): exp(\(x[i])) = \(y[i])")
        }
        #expect(worst <= 2, "\(VectorKernels.name(kernels)) count \(count): \(worst) ulp from FastMath.exp")
      }
      var nan: [Float] = [.nan]
      kernels.pointee.exp(nan, &nan, 1)
      #expect(nan[0].isNaN)
    }
  }

  @Test func sigmoidMatchesDoubleAtEveryLevel() {
    let x: [Float] = (0..<203).map { Float($0 - 101) * 0.37 } + [-100, 100, 0, -0]
    for kernels in VectorKernels.available {
      var y = [Float](repeating: .nan, count: x.count)
      kernels.pointee.sigmoid(x, &y, x.count)
      for i in x.indices {
        let want = 1 / (1 + Foundation.exp(-Double(x[i])))
        #expect(abs(Double(y[i]) - want) <= 1e-7 + 4e-7 * want, "\(VectorKernels.name(kernels)): sigmoid(\(x[i])) = \(y[i])")
        #expect(Self.ulps(y[i], FastMath.sigmoid(x[i])) <= 2)
      }
    }
  }

  @Test func softmaxRowMatchesDoubleAtEveryLevel() {
    var rng = SeededGenerator(seed: 17)
    for kernels in VectorKernels.available {
      for cols in [1, 3, 16, 19, 50, 67] {
        let x = (0..<cols).map { _ in rng.nextFloat(in: -30, 30) }
        let mask: [Float] = (0..<cols).map { $0 % 3 == 1 ? 0 : 1 }
        for masked in [false, true] {
          var y = x
          if masked { kernels.pointee.softmax_row(&y, mask, cols) } else { kernels.pointee.softmax_row(&y, nil, cols) }
          let kept = (0..<cols).filter { !masked || mask[$0] != 0 }
          let top = kept.map { Double(x[$0]) }.max()!
          let total = kept.reduce(0) { $0 + Foundation.exp(Double(x[$1]) - top) }
          for j in 0..<cols {
            let want = kept.contains(j) ? Foundation.exp(Double(x[j]) - top) / total : 0
            #expect(abs(Double(y[j]) - want) <= 1e-6 * want + 1e-12,
                    "\(VectorKernels.name(kernels)) cols \(cols) masked \(masked) j \(j): \(y[j]) vs \(want)")
            if !kept.contains(j) { #expect(y[j] == 0) }
          }
        }
      }
      // Nothing kept: a zero row, even with a huge masked score.
      var y: [Float] = [1e30, 2, 3]
      let none: [Float] = [0, 0, 0]
      kernels.pointee.softmax_row(&y, none, 3)
      #expect(y == [0, 0, 0])
    }
  }

  @Test func theBestLevelIsTheWidestAvailable() {
    #expect(VectorKernels.best.pointee.level == VectorKernels.available.last!.pointee.level
            || ProcessInfo.processInfo.environment["CVR_VECTOR_LEVEL"] != nil)
  }
}

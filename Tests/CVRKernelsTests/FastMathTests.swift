// FastMath.exp against Double-precision exp across the whole Float range.
import CVRKernels
import Foundation
import Testing

@Suite struct FastMathTests {
  @Test func expIsAccurateAcrossTheRange() {
    var worstRelative: Double = 0
    var x: Float = -86.5
    while x < 88.72 {
      let got = Double(FastMath.exp(x))
      let want = Foundation.exp(Double(x))
      worstRelative = max(worstRelative, abs(got - want) / want)
      x += 0.0137
    }
    // 3 ulp of Float is 3.6e-7 relative.
    #expect(worstRelative < 3.6e-7, "worst relative error \(worstRelative)")
  }

  @Test func expEdges() {
    #expect(FastMath.exp(0) == 1)
    #expect(FastMath.exp(-200) == 0)
    #expect(FastMath.exp(200) == .infinity)
    #expect(FastMath.exp(-87.5) == 0)
  }

  @Test func sigmoidIsStableAndSymmetric() {
    for x: Float in [-100, -20, -1, -1e-3, 0, 1e-3, 1, 20, 100] {
      let s = FastMath.sigmoid(x)
      let want = 1 / (1 + Foundation.exp(-Double(x)))
      #expect(abs(Double(s) - want) <= 1e-7 + 4e-7 * want, "sigmoid(\(x)) = \(s), want \(want)")
      #expect(abs(s + FastMath.sigmoid(-x) - 1) < 1e-6)
    }
  }
}

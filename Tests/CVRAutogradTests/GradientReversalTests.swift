// The gradient-reversal op: identity forward, and backward exactly −λ times the
// gradient the same graph has without it (itself checked by finite differences).
import CVRAutograd
import CVRTestSupport
import Testing

@Suite struct GradientReversalTests {
  /// f(x) = tanh(x)·x, a non-linear graph whose gradient depends on x.
  private static func graph(_ tape: Tape, _ x: Tensor) -> Tensor { tape.mul(tape.tanh(x), x) }

  @Test func forwardIsIdentity() {
    let x = randomParameter("x", Shape(5, 3), seed: 2)
    let tape = Tape()
    let y = tape.reverseGradient(tape.param(x), scale: 0.7).toArray()
    #expect(y.map(\.bitPattern) == x.values().map(\.bitPattern))
  }

  @Test(arguments: [Float(1), 0.3, 0])
  func backwardIsMinusLambdaTimesTheGradient(_ lambda: Float) {
    let x = randomParameter("x", Shape(4, 6), seed: 3, in: -2, 2)
    // The plain graph's gradient agrees with finite differences…
    let plain = checkGradients([x], epsilon: 1e-3) { tape in Self.graph(tape, tape.param(x)) }
    #expect(plain.passed, "\(plain)")
    func gradient(reversed: Bool) -> [Float] {
      x.zeroGrad()
      let tape = Tape()
      let input = tape.param(x)
      tape.backward(tape.sum(Self.graph(tape, reversed ? tape.reverseGradient(input, scale: lambda) : input)))
      return Array(x.grad)
    }
    // …and the reversed one is −λ times it, element by element.
    let g = gradient(reversed: false), r = gradient(reversed: true)
    for i in 0..<g.count {
      #expect(abs(r[i] + lambda * g[i]) <= 1e-6 * max(1, abs(g[i])), "element \(i): \(r[i]) vs −λ·\(g[i])")
    }
    #expect(g.contains { $0 != 0 })
  }
}

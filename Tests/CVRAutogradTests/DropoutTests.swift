// Dropout: seeded masks, identity when off, the inverted scaling, and gradients.
import CVRAutograd
import CVRTestSupport
import Testing

@Suite struct DropoutTests {
  @Test func sameSeedGivesSameMaskAndAnotherSeedDoesNot() {
    func run(_ seed: UInt64) -> [Float] {
      let tape = Tape(seed: seed)
      return tape.dropout(tape.constant([Float](repeating: 1, count: 257), Shape(257)), rate: 0.5, training: true).toArray()
    }
    #expect(run(42) == run(42))
    #expect(run(42) != run(43))
  }

  @Test func rateZeroAndInferenceAreIdentity() {
    let x = randomParameter("x", Shape(3, 17), seed: 1)
    let tape = Tape()
    let input = tape.param(x)
    for (rate, training) in [(Float(0), true), (0.5, false)] {
      let y = tape.dropout(input, rate: rate, training: training)
      #expect(y.data == input.data && y.node == input.node && y.toArray() == x.values())
    }
    #expect(tape.nodeCount == 1, "only the parameter leaf is recorded")
  }

  @Test func keptValuesAreScaledAndMeanIsPreserved() {
    let n = 100_000, rate: Float = 0.3
    let tape = Tape(seed: 9)
    let y = tape.dropout(tape.constant([Float](repeating: 1, count: n), Shape(n)), rate: rate, training: true).toArray()
    let scale = 1 / (1 - rate)
    #expect(y.allSatisfy { $0 == 0 || $0 == scale })
    let mean = y.reduce(0.0) { $0 + Double($1) } / Double(n)
    let dropped = Double(y.filter { $0 == 0 }.count) / Double(n)
    #expect(abs(mean - 1) < 0.01, "mean \(mean)")
    #expect(abs(dropped - Double(rate)) < 0.01, "dropped fraction \(dropped)")
  }

  @Test(arguments: [Shape(1), Shape(3, 17), Shape(17, 3)])
  func gradients(_ shape: Shape) {
    let x = randomParameter("x", shape, seed: 2)
    let result = checkGradients([x], seed: 11) { tape in tape.dropout(tape.param(x), rate: 0.4, training: true) }
    #expect(result.passed, "\(shape): \(result)")
  }

  @Test func gradientIsTheScaledMask() {
    let x = randomParameter("x", Shape(5, 7), seed: 3, in: 0.5, 1)  // nonzero, so y/x recovers the mask
    let tape = Tape(seed: 5)
    let input = tape.param(x)
    let y = tape.dropout(input, rate: 0.5, training: true)
    let ones = [Float](repeating: 1, count: y.count)
    ones.withUnsafeBufferPointer { tape.backward(y, gradient: $0.baseAddress!) }
    let g = tape.gradient(of: input), out = y.toArray(), values = x.values()
    for i in 0..<g.count { #expect(abs(g[i] - out[i] / values[i]) < 1e-6) }
    #expect(g.contains(0) && g.contains(2))
  }

  @Test func untrackedInputRecordsNothing() {
    let tape = Tape(seed: 1)
    let y = tape.dropout(tape.constant([1, 2, 3], Shape(3)), rate: 0.5, training: true)
    #expect(!y.requiresGrad && tape.nodeCount == 0)
  }
}

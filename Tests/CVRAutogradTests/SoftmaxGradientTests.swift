// Masked softmax: values against a Double reference, gradient checks with
// shared mask rows, and the fully masked row (zeros out, zero gradient in).
import CVRAutograd
import CVRKernels
import CVRTestSupport
import Testing

/// softmax over kept entries of each row in Double; mask row g serves rows g·r ..< (g+1)·r.
func referenceSoftmax(_ x: [Float], mask: [Float]?, rows: Int, cols: Int) -> [Float] {
  let r = mask.map { rows / ($0.count / cols) } ?? 1
  var y = [Float](repeating: 0, count: x.count)
  for i in 0..<rows {
    let kept = (0..<cols).filter { mask == nil || mask![(i / r) * cols + $0] != 0 }
    guard let top = kept.map({ Double(x[i * cols + $0]) }).max() else { continue }
    let e = kept.map { (j: $0, e: Double.exp(Double(x[i * cols + $0]) - top)) }
    let sum = e.reduce(0) { $0 + $1.e }
    for (j, v) in e { y[i * cols + j] = Float(v / sum) }
  }
  return y
}

@Suite struct SoftmaxGradientTests {
  /// [B=2, H=2, Tq=3, Tk=5] with mask [2, 5]: batch 0 keeps keys 0, 2, 3; batch 1 keeps all.
  static let mask: [Float] = [1, 0, 1, 1, 0, 1, 1, 1, 1, 1]

  @Test func forwardMatchesReference() {
    let x = randomParameter("x", Shape(2, 2, 3, 5), seed: 1, in: -4, 4)
    let tape = Tape()
    let y = tape.maskedSoftmax(tape.param(x), mask: tape.constant(Self.mask, Shape(2, 5)))
    let expected = referenceSoftmax(x.values(), mask: Self.mask, rows: 12, cols: 5)
    let (ok, message) = allClose(y.toArray(), expected, rtol: 1e-5, atol: 1e-6)
    #expect(ok, "\(message)")
    // The first six rows share mask row 0: the masked keys 1 and 4 are exactly 0.
    for i in 0..<6 { #expect(y.data[i * 5 + 1] == 0 && y.data[i * 5 + 4] == 0) }
  }

  @Test func unmaskedRowsSumToOneAndStayFiniteForLargeScores() {
    let tape = Tape()
    let y = tape.maskedSoftmax(tape.constant([1000, 999, -1000, 0, 88, 89], Shape(2, 3)), mask: nil)
    let values = y.toArray()
    #expect(values.allSatisfy { $0.isFinite })
    #expect(abs(values[0] + values[1] + values[2] - 1) < 1e-6)
    #expect(abs(values[0] - Float(1 / (1 + Double.exp(-1)))) < 1e-6)
    #expect(values[2] == 0)
  }

  @Test func maskedScoreAboveTheKeptOnesDoesNotLeak() {
    // A masked score far above the kept maximum would overflow exp; the masked entry must stay 0.
    let tape = Tape()
    let y = tape.maskedSoftmax(tape.constant([1e4, 0, 1], Shape(1, 3)), mask: tape.constant([0, 1, 1], Shape(1, 3)))
    let expected = referenceSoftmax([1e4, 0, 1], mask: [0, 1, 1], rows: 1, cols: 3)
    #expect(y.data[0] == 0)
    #expect(allClose(y.toArray(), expected).0, "\(y.toArray()) vs \(expected)")
  }

  @Test(arguments: [(1, 1), (1, 17), (3, 17), (17, 3)])
  func unmaskedGradients(_ dims: (Int, Int)) {
    let x = randomParameter("x", Shape(dims.0, dims.1), seed: 2, in: -3, 3)
    let result = checkGradients([x]) { tape in tape.maskedSoftmax(tape.param(x), mask: nil) }
    #expect(result.passed, "\(dims): \(result)")
  }

  @Test func maskedGradientsWithSharedMaskRows() {
    let x = randomParameter("x", Shape(2, 2, 3, 5), seed: 3, in: -3, 3)
    let result = checkGradients([x]) { tape in
      tape.maskedSoftmax(tape.param(x), mask: tape.constant(Self.mask, Shape(2, 5)))
    }
    #expect(result.passed, "\(result)")
  }

  @Test func fullyMaskedRowOutputsZerosAndPassesNoGradient() {
    // Scores [3, 3, 17] with mask [3, 17]: group 1 is fully masked, group 2 keeps one key.
    var maskValues = [Float](repeating: 1, count: 3 * 17)
    for j in 0..<17 { maskValues[17 + j] = 0; maskValues[34 + j] = j == 5 ? 1 : 0 }
    maskValues[3] = 0
    let x = randomParameter("x", Shape(3, 3, 17), seed: 4, in: -3, 3)
    let result = checkGradients([x]) { tape in
      tape.maskedSoftmax(tape.param(x), mask: tape.constant(maskValues, Shape(3, 17)))
    }
    #expect(result.passed, "\(result)")

    let tape = Tape()
    let input = tape.param(x)
    let y = tape.maskedSoftmax(input, mask: tape.constant(maskValues, Shape(3, 17)))
    let values = y.toArray()
    #expect(values[51..<102].allSatisfy { $0 == 0 }, "fully masked rows must be zero")
    for i in 6..<9 { #expect(values[i * 17 + 5] == 1, "a single kept key takes all the probability") }
    let seed = (0..<y.count).map { Float($0 % 7) - 3 }
    seed.withUnsafeBufferPointer { tape.backward(y, gradient: $0.baseAddress!) }
    let g = tape.gradient(of: input)
    #expect(g[51..<153].allSatisfy { $0 == 0 }, "fully masked and single-key rows pass no gradient")
    #expect(g[0..<51].contains { $0 != 0 })
  }
}

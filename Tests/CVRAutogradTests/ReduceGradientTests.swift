// Sums and means over all elements and over one axis: forward against naive
// Double sums, gradient checks on odd shapes, and inference mode.
import CVRAutograd
import CVRTestSupport
import Testing

/// Σ over `axis` of a row-major tensor by index arithmetic, in Double.
private func naiveSum(_ values: [Float], _ dims: [Int], axis: Int) -> [Float] {
  let outer = dims[..<axis].reduce(1, *), dim = dims[axis], inner = dims[(axis + 1)...].reduce(1, *)
  var out: [Float] = []
  for o in 0..<outer {
    for i in 0..<inner {
      var s: Double = 0
      for d in 0..<dim { s += Double(values[(o * dim + d) * inner + i]) }
      out.append(Float(s))
    }
  }
  return out
}

@Suite struct ReduceGradientTests {
  @Test(arguments: [[1], [3], [17, 3], [2, 3, 5]])
  func sumAndMeanOfAll(_ dims: [Int]) {
    let x = randomParameter("x", Shape(dims), seed: 1)
    let tape = Tape()
    let total = x.values().reduce(0.0) { $0 + Double($1) }
    let s = tape.sum(tape.param(x)), m = tape.mean(tape.param(x))
    #expect(s.shape == Shape() && m.shape == Shape())
    #expect(abs(Double(s.scalar) - total) < 1e-6)
    #expect(abs(Double(m.scalar) - total / Double(x.value.count)) < 1e-6)
    let sumCheck = checkGradients([x]) { tape in tape.sum(tape.param(x)) }
    #expect(sumCheck.passed, "sum \(dims): \(sumCheck)")
    let meanCheck = checkGradients([x]) { tape in tape.mean(tape.param(x)) }
    #expect(meanCheck.passed, "mean \(dims): \(meanCheck)")
  }

  @Test(arguments: [([3, 17], 0), ([3, 17], 1), ([3, 17], -1), ([1], 0), ([2, 3, 5], 0), ([2, 3, 5], 1),
                    ([2, 3, 5], 2), ([2, 1, 3, 5], 1), ([2, 1, 3, 5], 3)])
  func sumAndMeanOverAxis(_ dims: [Int], _ axis: Int) {
    let x = randomParameter("x", Shape(dims), seed: 2)
    let a = axis < 0 ? axis + dims.count : axis
    var outDims = dims
    outDims.remove(at: a)
    let tape = Tape()
    let s = tape.sum(tape.param(x), axis: axis), m = tape.mean(tape.param(x), axis: axis)
    #expect(s.shape == Shape(outDims) && m.shape == Shape(outDims))
    let want = naiveSum(x.values(), dims, axis: a)
    let (okSum, sumMessage) = allClose(s.toArray(), want, rtol: 1e-6, atol: 1e-6)
    #expect(okSum, "sum axis \(axis) of \(dims): \(sumMessage)")
    let (okMean, meanMessage) = allClose(m.toArray(), want.map { $0 / Float(dims[a]) }, rtol: 1e-6, atol: 1e-6)
    #expect(okMean, "mean axis \(axis) of \(dims): \(meanMessage)")
    let sumCheck = checkGradients([x]) { tape in tape.sum(tape.param(x), axis: axis) }
    #expect(sumCheck.passed, "sum axis \(axis) of \(dims): \(sumCheck)")
    let meanCheck = checkGradients([x]) { tape in tape.mean(tape.param(x), axis: axis) }
    #expect(meanCheck.passed, "mean axis \(axis) of \(dims): \(meanCheck)")
  }

  @Test func wideColumnSumsCrossTheAccumulatorTiles() {
    // 600 columns: two full 256-wide Double tiles and a partial one.
    let dims = [5, 7, 600]
    let x = randomParameter("x", Shape(dims), seed: 3)
    let tape = Tape()
    let (ok, message) = allClose(tape.sum(tape.param(x), axis: 1).toArray(), naiveSum(x.values(), dims, axis: 1),
                                 rtol: 1e-6, atol: 1e-6)
    #expect(ok, "\(message)")
  }

  @Test func inferenceModeRecordsNothing() {
    let x = randomParameter("x", Shape(3, 17), seed: 4)
    let tape = Tape(recording: false)
    let t = tape.param(x)
    let outputs = [tape.sum(t), tape.mean(t), tape.sum(t, axis: 0), tape.mean(t, axis: 1)]
    #expect(tape.nodeCount == 0)
    #expect(outputs.allSatisfy { !$0.requiresGrad })
    #expect(!x.hasGrad)
  }
}

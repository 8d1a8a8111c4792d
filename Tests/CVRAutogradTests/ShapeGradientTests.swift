// Shape ops: concat, split, slice, swapLastAxes forward against naive index
// arithmetic, their gradient checks, and gradients through reshape and stopGradient.
import CVRAutograd
import CVRTestSupport
import Testing

/// Row-major index of (i, j, k) in [d0, d1, d2].
private func at(_ i: Int, _ j: Int, _ k: Int, _ d1: Int, _ d2: Int) -> Int { (i * d1 + j) * d2 + k }

@Suite struct ShapeGradientTests {
  // MARK: - concat

  @Test func concatForward() {
    let tape = Tape()
    let a = tape.constant([1, 2, 3, 4], Shape(2, 2))
    let b = tape.constant([5, 6], Shape(2, 1))
    let c = tape.constant([7, 8, 9, 10, 11, 12], Shape(2, 3))
    let y = tape.concat([a, b, c])
    #expect(y.shape == Shape(2, 6))
    #expect(y.toArray() == [1, 2, 5, 7, 8, 9, 3, 4, 6, 10, 11, 12])
  }

  @Test func concatForwardRank3AgainstNaive() {
    let x = randomParameter("x", Shape(2, 3, 4), seed: 1)
    let z = randomParameter("z", Shape(2, 3, 1), seed: 2)
    let tape = Tape()
    let y = tape.concat([tape.param(x), tape.param(z)], axis: 2)
    #expect(y.shape == Shape(2, 3, 5))
    var want: [Float] = []
    for r in 0..<6 {
      want += x.values()[(r * 4)..<(r * 4 + 4)]
      want.append(z.values()[r])
    }
    #expect(y.toArray() == want)
  }

  @Test(arguments: [1, 3, 17])
  func concatGradients(_ rows: Int) {
    let a = randomParameter("a", Shape(rows, 3), seed: 3)
    let b = randomParameter("b", Shape(rows, 1), seed: 4)
    let c = randomParameter("c", Shape(rows, 17), seed: 5)
    let fixed = randomParameter("fixed", Shape(rows, 2), seed: 6, requiresGrad: false)
    let result = checkGradients([a, b, c]) { tape in
      // A constant in the middle shifts the later inputs' column offsets.
      tape.concat([tape.param(a), tape.param(fixed), tape.param(b), tape.param(c)])
    }
    #expect(result.passed, "rows=\(rows): \(result)")
  }

  @Test func concatAlongRowsStacksThem() {
    let a = randomParameter("a", Shape(2, 3), seed: 7), b = randomParameter("b", Shape(4, 3), seed: 8)
    let tape = Tape()
    let y = tape.concat([tape.param(a), tape.param(b)], axis: 0)
    #expect(y.shape == Shape(6, 3) && y.toArray() == a.values() + b.values())
    let fixed = randomParameter("fixed", Shape(1, 3), seed: 9, requiresGrad: false)
    let result = checkGradients([a, b]) { tape in
      tape.concat([tape.param(b), tape.param(fixed), tape.param(a), tape.param(b)], axis: 0)
    }
    #expect(result.passed, "\(result)")
  }

  @Test func concatOfTheSameTensorTwiceAccumulates() {
    let tape = Tape()
    let x = tape.variable([1, 2], Shape(1, 2))
    tape.backward(tape.sum(tape.concat([x, x])))
    #expect(tape.gradient(of: x) == [2, 2])
  }

  // MARK: - split and slice

  @Test func splitForward() {
    let tape = Tape()
    let x = tape.constant((0..<10).map(Float.init), Shape(2, 5))
    let pieces = tape.split(x, sizes: [1, 3, 1])
    #expect(pieces.map(\.shape) == [Shape(2, 1), Shape(2, 3), Shape(2, 1)])
    #expect(pieces[0].toArray() == [0, 5])
    #expect(pieces[1].toArray() == [1, 2, 3, 6, 7, 8])
    #expect(pieces[2].toArray() == [4, 9])
  }

  @Test(arguments: [1, 3, 17])
  func splitGradients(_ rows: Int) {
    let x = randomParameter("x", Shape(rows, 17), seed: 7)
    let result = checkGradients([x]) { tape in
      let p = tape.split(tape.param(x), sizes: [1, 3, 13])
      return tape.concat([p[2], tape.scale(p[0], by: 3), p[1]])
    }
    #expect(result.passed, "rows=\(rows): \(result)")
  }

  /// (axis, start, length) on a [3, 5, 4] tensor.
  @Test(arguments: [(0, 1, 2), (1, 2, 3), (2, 1, 2), (-1, 3, 1), (1, 0, 5), (0, 0, 1)])
  func sliceForwardAndGradients(_ window: (Int, Int, Int)) {
    let (axis, start, length) = window
    let dims = [3, 5, 4]
    let x = randomParameter("x", Shape(dims), seed: 8)
    let tape = Tape()
    let y = tape.slice(tape.param(x), axis: axis, start: start, length: length)
    let a = axis < 0 ? axis + 3 : axis
    var outDims = dims
    outDims[a] = length
    #expect(y.shape == Shape(outDims))
    var want: [Float] = []
    for i in 0..<outDims[0] {
      for j in 0..<outDims[1] {
        for k in 0..<outDims[2] {
          var index = [i, j, k]
          index[a] += start
          want.append(x.values()[at(index[0], index[1], index[2], dims[1], dims[2])])
        }
      }
    }
    #expect(y.toArray() == want, "axis \(axis) start \(start) length \(length)")
    let result = checkGradients([x]) { tape in
      tape.slice(tape.param(x), axis: axis, start: start, length: length)
    }
    #expect(result.passed, "axis \(axis): \(result)")
  }

  // MARK: - swapLastAxes

  @Test(arguments: [[1, 1], [17, 3], [2, 3, 17], [2, 33, 20], [2, 1, 3, 5]])
  func swapLastAxesForwardAndGradients(_ dims: [Int]) {
    let x = randomParameter("x", Shape(dims), seed: 9)
    let tape = Tape()
    let y = tape.swapLastAxes(tape.param(x))
    let r = dims.count
    let (rows, cols) = (dims[r - 2], dims[r - 1])
    var outDims = dims
    outDims.swapAt(r - 2, r - 1)
    #expect(y.shape == Shape(outDims))
    let batch = x.value.count / (rows * cols)
    var want: [Float] = []
    for b in 0..<batch {
      for j in 0..<cols {
        for i in 0..<rows { want.append(x.values()[at(b, i, j, rows, cols)]) }
      }
    }
    #expect(y.toArray() == want)
    if x.value.count <= 200 {
      let result = checkGradients([x]) { tape in tape.swapLastAxes(tape.param(x)) }
      #expect(result.passed, "\(dims): \(result)")
    }
  }

  // MARK: - reshape and stopGradient

  @Test func gradientsFlowThroughReshape() {
    let x = randomParameter("x", Shape(3, 4), seed: 10)
    let w = randomParameter("w", Shape(3, 17), seed: 11)
    let result = checkGradients([x, w]) { tape in
      tape.matmul(tape.param(x).reshaped(Shape(4, 3)), tape.param(w)).reshaped(Shape(2, 34))
    }
    #expect(result.passed, "\(result)")
  }

  @Test func stopGradientBlocksTheGradient() {
    let tape = Tape()
    let x = tape.variable([1, 2, 3], Shape(3))
    let stopped = tape.stopGradient(x)
    #expect(!stopped.requiresGrad && stopped.toArray() == [1, 2, 3])
    // d Σ x·stop(x) / dx = stop(x), not 2x.
    tape.backward(tape.sum(tape.mul(x, stopped)))
    #expect(tape.gradient(of: x) == [1, 2, 3])
  }

  @Test func inferenceModeRecordsNothing() {
    let x = randomParameter("x", Shape(3, 17), seed: 12)
    let tape = Tape(recording: false)
    let t = tape.param(x)
    let outputs = [
      tape.concat([t, t]), tape.slice(t, axis: 0, start: 1, length: 2), tape.swapLastAxes(t),
    ] + tape.split(t, sizes: [8, 9])
    #expect(tape.nodeCount == 0)
    #expect(tape.extraInputs.isEmpty)
    #expect(outputs.allSatisfy { !$0.requiresGrad })
    #expect(!x.hasGrad)
  }
}

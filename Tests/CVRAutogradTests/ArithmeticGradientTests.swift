// Broadcast arithmetic (add, sub, mul, div) and the scalar affine ops: forward
// values against naive index arithmetic and gradient checks for every pattern.
import CVRAutograd
import CVRTestSupport
import Testing

/// (a shape, b shape) pairs covering each broadcasting pattern.
private let patterns: [(String, [Int], [Int])] = [
  ("same shape", [3, 17], [3, 17]),
  ("single element", [1], [1]),
  ("row vector (bias)", [17, 3], [3]),
  ("per-row scalar", [17, 3], [17, 1]),
  ("scalar", [3, 17], []),
  ("one-element vector", [3, 17], [1]),
  ("size-1 middle axis", [3, 4, 5], [3, 1, 5]),
  ("row vector on the left", [3], [17, 3]),
  ("per-row scalar on the left", [17, 1], [17, 3]),
  ("scalar on the left", [], [3, 17]),
  ("outer (both broadcast)", [17, 1], [1, 3]),
  ("rank 4 interleaved", [2, 1, 3, 1], [1, 4, 1, 5]),
  ("rows over a batch", [2, 3, 5], [5]),
]

private enum Arithmetic: CaseIterable {
  case add, sub, mul, div

  func apply(_ tape: Tape, _ a: Tensor, _ b: Tensor) -> Tensor {
    switch self {
    case .add: tape.add(a, b)
    case .sub: tape.sub(a, b)
    case .mul: tape.mul(a, b)
    case .div: tape.div(a, b)
    }
  }

  func reference(_ x: Float, _ y: Float) -> Float {
    switch self {
    case .add: x + y
    case .sub: x - y
    case .mul: x * y
    case .div: x / y
    }
  }
}

/// NumPy broadcasting by index arithmetic: the reference the kernels must match.
private func naiveBroadcast(
  _ aShape: [Int], _ a: [Float], _ bShape: [Int], _ b: [Float], _ f: (Float, Float) -> Float
) -> (shape: [Int], values: [Float]) {
  let rank = max(aShape.count, bShape.count)
  let pa = Array(repeating: 1, count: rank - aShape.count) + aShape
  let pb = Array(repeating: 1, count: rank - bShape.count) + bShape
  let out = (0..<rank).map { max(pa[$0], pb[$0]) }
  let count = out.reduce(1, *)
  var values: [Float] = []
  for flat in 0..<count {
    var rest = flat, ia = 0, ib = 0, strideA = 1, strideB = 1
    for k in stride(from: rank - 1, through: 0, by: -1) {
      let index = rest % out[k]
      rest /= out[k]
      if pa[k] != 1 { ia += index * strideA }
      if pb[k] != 1 { ib += index * strideB }
      strideA *= pa[k]
      strideB *= pb[k]
    }
    values.append(f(a[ia], b[ib]))
  }
  return (out, values)
}

@Suite struct ArithmeticGradientTests {
  @Test(arguments: patterns)
  func forwardMatchesNaiveBroadcasting(_ name: String, _ aDims: [Int], _ bDims: [Int]) {
    for op in Arithmetic.allCases {
      let a = randomParameter("a", Shape(aDims), seed: 1)
      let b = randomParameter("b", Shape(bDims), seed: 2, in: 0.5, 2)
      let tape = Tape()
      let y = op.apply(tape, tape.param(a), tape.param(b))
      let want = naiveBroadcast(aDims, a.values(), bDims, b.values(), op.reference)
      #expect(y.shape == Shape(want.shape), "\(name) \(op): shape \(y.shape) vs \(want.shape)")
      let (ok, message) = allClose(y.toArray(), want.values, rtol: 1e-6, atol: 0)
      #expect(ok, "\(name) \(op): \(message)")
    }
  }

  @Test(arguments: patterns)
  func gradients(_ name: String, _ aDims: [Int], _ bDims: [Int]) {
    for op in Arithmetic.allCases {
      let a = randomParameter("a", Shape(aDims), seed: 3)
      // Divisors stay in [0.5, 2] so the ±1e-2 perturbation sees a smooth quotient.
      let b = randomParameter("b", Shape(bDims), seed: 4, in: 0.5, 2)
      let result = checkGradients([a, b]) { tape in op.apply(tape, tape.param(a), tape.param(b)) }
      #expect(result.passed, "\(name) \(op): \(result)")
    }
  }

  @Test func constantOperandGetsNoGradientAndTrackedOneDoes() {
    let b = randomParameter("b", Shape(3), seed: 5)
    let tape = Tape()
    let x = tape.constant([1, 2, 3, 4, 5, 6], Shape(2, 3))
    let y = tape.mul(x, tape.param(b))
    tape.backward(tape.sum(y))
    // d Σ(x·b) / db_j = Σ_i x[i, j].
    #expect(Array(b.grad) == [5, 7, 9])
  }

  @Test func sameTensorOnBothSides() {
    let x = randomParameter("x", Shape(17), seed: 6)
    let tape = Tape()
    let t = tape.param(x)
    tape.backward(tape.sum(tape.mul(t, t)))
    let want = x.values().map { 2 * $0 }
    let (ok, message) = allClose(Array(x.grad), want, rtol: 1e-6, atol: 0)
    #expect(ok, "d Σx² / dx = 2x: \(message)")
  }

  @Test func scaleAddScalarNeg() {
    let tape = Tape()
    let x = tape.constant([1, -2, 3], Shape(3))
    #expect(tape.scale(x, by: 2.5).toArray() == [2.5, -5, 7.5])
    #expect(tape.addScalar(x, 0.5).toArray() == [1.5, -1.5, 3.5])
    #expect(tape.neg(x).toArray() == [-1, 2, -3])
  }

  @Test(arguments: [[1], [3], [17, 3]])
  func scalarOpGradients(_ dims: [Int]) {
    let x = randomParameter("x", Shape(dims), seed: 7)
    let scaled = checkGradients([x]) { tape in tape.scale(tape.param(x), by: -1.7) }
    #expect(scaled.passed, "scale: \(scaled)")
    let shifted = checkGradients([x]) { tape in tape.addScalar(tape.param(x), 3) }
    #expect(shifted.passed, "addScalar: \(shifted)")
    let negated = checkGradients([x]) { tape in tape.neg(tape.param(x)) }
    #expect(negated.passed, "neg: \(negated)")
  }

  @Test func inferenceModeRecordsNothing() {
    let a = randomParameter("a", Shape(17, 3), seed: 8)
    let b = randomParameter("b", Shape(3), seed: 9, in: 0.5, 2)
    let tape = Tape(recording: false)
    let (ta, tb) = (tape.param(a), tape.param(b))
    let outputs = [
      tape.add(ta, tb), tape.sub(ta, tb), tape.mul(ta, tb), tape.div(ta, tb),
      tape.scale(ta, by: 2), tape.addScalar(ta, 1), tape.neg(ta),
    ]
    #expect(tape.nodeCount == 0)
    #expect(outputs.allSatisfy { !$0.requiresGrad })
    #expect(!a.hasGrad && !b.hasGrad)
  }
}

// The Distance Metric Network (MetaCVR §2.4): values against naive references,
// SPDM at W = I, b = 0 is the cosine (the paper's remark), the literal linear
// Eq. 5 would be constant, and finite-difference gradients of every metric.
import CVRAutograd
import CVRCore
import CVRModels
import CVRTestSupport
import Testing

/// n unit rows of width d (F(x) and prototypes are L2-normalised in the model).
private func unitRows(_ n: Int, _ d: Int, seed: UInt64) -> [Float] {
  var rng = SeededGenerator(seed: seed)
  var v = (0..<(n * d)).map { _ in rng.nextFloat(in: -1, 1) }
  for i in 0..<n {
    let norm = (0..<d).reduce(Float(0)) { $0 + v[i * d + $1] * v[i * d + $1] }.squareRoot()
    for j in 0..<d { v[i * d + j] /= norm }
  }
  return v
}

private func dot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

@Suite struct DistanceMetricTests {
  let n = 5, k = 3, d = 7

  @Test func spdmAtIdentityIsTheCosineOfUnitVectors() {
    var rng = SeededGenerator(seed: 1)
    let spdm = DistanceMetricNetwork(metric: .spdm, occasions: k, dim: d, hidden: 4, rng: &rng)
    let cosine = DistanceMetricNetwork(metric: .cosine, occasions: k, dim: d, hidden: 4, rng: &rng)
    let f = unitRows(n, d, seed: 2), p = unitRows(2 * k, d, seed: 3)
    let tape = Tape(recording: false)
    let (ft, pt) = (tape.constant(f, Shape(n, d)), tape.constant(p, Shape(k, 2, d)))
    let a = spdm.distances(ft, prototypes: pt, tape).toArray()
    let b = cosine.distances(ft, prototypes: pt, tape).toArray()
    for i in 0..<n {
      for j in 0..<(2 * k) {
        let reference = dot(f[(i * d)..<(i * d + d)], p[(j * d)..<(j * d + d)])
        #expect(abs(a[i * 2 * k + j] - reference) < 1e-5 && abs(b[i * 2 * k + j] - reference) < 1e-5)
      }
    }
  }

  @Test func trainedSpdmIsTheBilinearFormPlusBias() {
    var rng = SeededGenerator(seed: 4)
    let spdm = DistanceMetricNetwork(metric: .spdm, occasions: k, dim: d, hidden: 4, rng: &rng)
    spdm.parameters[0].fill { rng.nextFloat(in: -1, 1) }
    spdm.parameters[1].fill { rng.nextFloat(in: -1, 1) }
    let f = unitRows(n, d, seed: 5), p = unitRows(2 * k, d, seed: 6)
    let tape = Tape(recording: false)
    let ft = tape.constant(f, Shape(n, d)), pt = tape.constant(p, Shape(k, 2, d))
    let distances = spdm.distances(ft, prototypes: pt, tape).toArray()
    let scores = spdm(ft, prototypes: pt, tape).toArray()
    let w = spdm.parameters[0].values(), b = spdm.parameters[1].values()
    for i in 0..<n {
      for o in 0..<k {
        var pair: [Float] = []
        for c in 0..<2 {
          // F(x)ᵀ W_o p + b_o, naively.
          var total = b[o]
          for r in 0..<d { for s in 0..<d { total += f[i * d + r] * w[(o * d + r) * d + s] * p[((o * 2 + c) * d) + s] } }
          pair.append(total)
          #expect(abs(distances[(i * k + o) * 2 + c] - total) < 1e-4)
        }
        #expect(abs(scores[i * k + o] - (pair[0] - pair[1])) < 1e-4)
      }
    }
  }

  @Test func euclideanIsMinusTheSquaredDistance() {
    var rng = SeededGenerator(seed: 7)
    let metric = DistanceMetricNetwork(metric: .euclidean, occasions: k, dim: d, hidden: 4, rng: &rng)
    let f = (0..<(n * d)).map { _ in rng.nextFloat(in: -2, 2) }, p = unitRows(2 * k, d, seed: 8)
    let tape = Tape(recording: false)
    let out = metric.distances(tape.constant(f, Shape(n, d)), prototypes: tape.constant(p, Shape(k, 2, d)), tape).toArray()
    for i in 0..<n {
      for j in 0..<(2 * k) {
        let reference = -(0..<d).reduce(Float(0)) { $0 + (f[i * d + $1] - p[j * d + $1]) * (f[i * d + $1] - p[j * d + $1]) }
        #expect(abs(out[i * 2 * k + j] - reference) < 1e-4)
      }
    }
  }

  /// Eq. 5 read literally: d = W_F F + W_p p + b, shared by p⁺ and p⁻, so
  /// s = d⁺ − d⁻ = W_p (p⁺ − p⁻) is the same for every sample; our NNDM is not.
  @Test func literalLinearNndmWouldBeConstantOursIsNot() {
    var rng = SeededGenerator(seed: 9)
    let f = unitRows(n, d, seed: 10), p = unitRows(2, d, seed: 11)
    let wf = (0..<d).map { _ in rng.nextFloat(in: -1, 1) }, wp = (0..<d).map { _ in rng.nextFloat(in: -1, 1) }
    let literal = (0..<n).map { i -> Float in
      let row = f[(i * d)..<(i * d + d)]
      let plus = dot(ArraySlice(wf), row) + dot(ArraySlice(wp), p[0..<d]) + 0.3
      let minus = dot(ArraySlice(wf), row) + dot(ArraySlice(wp), p[d..<(2 * d)]) + 0.3
      return plus - minus
    }
    #expect(literal.allSatisfy { abs($0 - literal[0]) < 1e-5 })
    let nndm = DistanceMetricNetwork(metric: .nndm, occasions: 1, dim: d, hidden: 16, rng: &rng)
    let tape = Tape(recording: false)
    let s = nndm(tape.constant(f, Shape(n, d)), prototypes: tape.constant(p, Shape(1, 2, d)), tape).toArray()
    #expect(s.contains { abs($0 - s[0]) > 1e-3 }, "NNDM scores are constant: \(s)")
  }

  @Test(arguments: DistanceMetric.allCases)
  func gradientsMatchFiniteDifferences(metric: DistanceMetric) {
    var rng = SeededGenerator(seed: 12)
    let dmn = DistanceMetricNetwork(metric: metric, occasions: k, dim: d, hidden: 4, rng: &rng)
    for p in dmn.parameters { p.fill { rng.nextFloat(in: -1, 1) } }
    let f = randomParameter("F", Shape(n, d), seed: 13)
    let prototypes = unitRows(2 * k, d, seed: 14)
    let result = checkGradients([f] + dmn.parameters, epsilon: 1e-3, kinkTolerance: 0.01) { tape in
      dmn(tape.param(f), prototypes: tape.constant(prototypes, Shape(k, 2, d)), tape)
    }
    #expect(result.passed, "\(result)")
  }
}

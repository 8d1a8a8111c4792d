// DDPO: Eq. 6, 10 (with Eq. 9's soft labels and Eq. 15's self-normalised weights), 16
// and 17 by hand from the three networks' logits; the transfer module against its
// two-token softmax by hand; and the standard checks.
import CVRAutograd
import CVRCore
import CVRData
import CVRLayers
import CVRModels
import CVRTestSupport
import Foundation
import Testing

@Suite struct DDPOModelTests {
  static func model(scaleByBatch: Bool = true, seed: UInt64 = 3) throws -> DDPOModel {
    try #require(FlatBaselineTesting.build("DDPO", options: ["scaleByBatch": .bool(scaleByBatch)], seed: seed)
      as? DDPOModel)
  }

  @Test(arguments: [true, false]) func lossEqualsTheHandComputedTerms(_ scaleByBatch: Bool) throws {
    let model = try Self.model(scaleByBatch: scaleByBatch)
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 9))
    // A named tape kept alive: z's tensors live in its arena.
    let zTape = Tape(recording: false)
    defer { withExtendedLifetime(zTape) {} }
    let z = model.logits(batch, zTape)
    let n = Double(batch.count)
    var lo = 0.0, lc = 0.0, lt = 0.0
    var clickSum = 0.0, clickNorm = 0.0, nonClickSum = 0.0, nonClickNorm = 0.0
    for b in 0..<batch.count {
      let o = Double(batch.click[b]), r = o * Double(batch.conversion[b])
      let pCTR = FlatBaselineTesting.sigmoid(z.ctr.data[b]), pCVR = FlatBaselineTesting.sigmoid(z.cvr.data[b])
      let rc = FlatBaselineTesting.sigmoid(z.conversion.data[b])
      let soft = r == 1 ? 1 : rc
      let e = FlatBaselineTesting.crossEntropy(soft, logit: z.cvr.data[b])
      lo += FlatBaselineTesting.crossEntropy(o, logit: z.ctr.data[b]) / n
      lc += o * FlatBaselineTesting.crossEntropy(r, logit: z.conversion.data[b]) / n
      lt += FlatBaselineTesting.crossEntropy(r, probability: pCTR * pCVR) / n
      let wO = 1 / FlatBaselineTesting.clipped(pCTR), wN = 1 / FlatBaselineTesting.clipped(1 - pCTR)
      clickSum += o * wO * e
      clickNorm += o * wO
      nonClickSum += (1 - o) * wN * e
      nonClickNorm += (1 - o) * wN
    }
    let lr = (clickSum / clickNorm + nonClickSum / nonClickNorm) / (scaleByBatch ? n : 1)
    // A named tape kept alive: terms's tensors live in its arena.
    let termsTape = Tape(recording: false)
    defer { withExtendedLifetime(termsTape) {} }
    let terms = model.terms(batch, termsTape)
    FlatBaselineTesting.expectClose(terms.conversion.scalar, lc, "L_c")
    FlatBaselineTesting.expectClose(terms.cvr.scalar, lr, "L_r")
    FlatBaselineTesting.expectClose(model.loss(batch, Tape(recording: false)).scalar, lo + lc + lr + lt, "DDPO loss")
  }

  @Test func transferModuleIsATwoTokenSoftmax() throws {
    var rng = SeededGenerator(seed: 4)
    let module = CausalTransferModule(name: "t", dim: 3, rng: &rng)
    let tape = Tape(recording: false)
    let other = tape.constant((0..<6).map { _ in rng.nextFloat(in: -1, 1) }, Shape(2, 3))
    let own = tape.constant((0..<6).map { _ in rng.nextFloat(in: -1, 1) }, Shape(2, 3))
    let out = module(other: other, own: own, tape).toArray()
    func linear(_ l: Linear, _ x: [Double]) -> [Double] {
      var y = [Double](repeating: 0, count: 3)
      for j in 0..<3 {
        var sum = Double(l.bias!.value[j])
        for k in 0..<3 { sum += Double(l.weight.value[j * 3 + k]) * x[k] }
        y[j] = sum
      }
      return y
    }
    for b in 0..<2 {
      let a = linear(module.info, (0..<3).map { Double(other.data[b * 3 + $0]) }).map { max($0, 0) }
      let f = (0..<3).map { Double(own.data[b * 3 + $0]) }
      func score(_ t: [Double]) -> Double {
        let q = linear(module.query, t), k = linear(module.key, t)
        var dot = 0.0
        for j in 0..<3 { dot += q[j] * k[j] }
        return dot / Double(3).squareRoot()
      }
      let (sa, sf) = (score(a), score(f))
      let wa = exp(sa) / (exp(sa) + exp(sf))
      let (va, vf) = (linear(module.value, a), linear(module.value, f))
      for j in 0..<3 {
        let want = wa * va[j] + (1 - wa) * vf[j]
        #expect(abs(Double(out[b * 3 + j]) - want) < 1e-5, "row \(b) unit \(j): \(out[b * 3 + j]) vs \(want)")
      }
    }
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    FlatBaselineTesting.checkGradients(try Self.model(scaleByBatch: false))
  }

  @Test func overfitsASmallBatch() throws { FlatBaselineTesting.checkOverfits(try Self.model()) }

  @Test func checkpointRoundTripScoresIdentically() throws {
    try FlatBaselineTesting.checkRoundTrip(try Self.model(seed: 11))
  }
}

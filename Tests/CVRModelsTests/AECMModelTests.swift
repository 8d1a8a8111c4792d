// AECM: the DR towers' terms plus both discriminators' cross-entropies computed by
// hand from the weights, finite differences of the unreversed loss, the reversed
// gradient pinned against it, and the standard checks.
import CVRAutograd
import CVRCore
import CVRData
import CVRLayers
import CVRModels
import CVRTestSupport
import Foundation
import Testing

@Suite struct AECMModelTests {
  /// Tiny AECM; the discriminators' zero-initialised biases are moved off 0, so a row
  /// whose CVR hidden layer is all zero (ReLU) does not sit on the LeakyReLU kink.
  static func model(seed: UInt64 = 3) throws -> AECMModel {
    let model = try #require(FlatBaselineTesting.build(
      "AECM", options: ["discriminatorWidths": try JSONValue(encoding: [4])], nested: true, seed: seed) as? AECMModel)
    var rng = SeededGenerator(seed: seed)
    for d in [model.spaceDiscriminator, model.taskDiscriminator] {
      for b in 0..<d.layers[0].outDim { d.layers[0].bias!.value[b] = rng.nextFloat(in: 0.2, 0.5) * (b % 2 == 0 ? 1 : -1) }
    }
    return model
  }

  /// BCE(o, σ(D(input))) by hand in Double: Linear → LeakyReLU(slope) → Linear.
  static func discriminatorLoss(_ d: MLP, _ input: Tensor, _ batch: Batch, slope: Double) -> Double {
    precondition(d.layers.count == 2)
    let (l1, l2) = (d.layers[0], d.layers[1])
    var total = 0.0
    for b in 0..<batch.count {
      var out = Double(l2.bias!.value[0])
      for j in 0..<l1.outDim {
        var a = Double(l1.bias!.value[j])
        for k in 0..<l1.inDim { a += Double(l1.weight.value[j * l1.inDim + k]) * Double(input.data[b * l1.inDim + k]) }
        out += Double(l2.weight.value[j]) * (a > 0 ? a : slope * a)
      }
      total += FlatBaselineTesting.crossEntropy(Double(batch.click[b]), logit: Float(out))
    }
    return total / Double(batch.count)
  }

  @Test func lossEqualsTheHandComputedTerms() throws {
    let model = try Self.model()
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 7))
    // A named tape kept alive: z's tensors live in its arena.
    let zTape = Tape(recording: false)
    defer { withExtendedLifetime(zTape) {} }
    let z = model.towers.logits(batch, zTape)
    let main = CausalMultiTaskModelTests.handLoss(model.towers, batch)
    let space = Self.discriminatorLoss(model.spaceDiscriminator, z.features, batch, slope: 0.2)
    let task = Self.discriminatorLoss(model.taskDiscriminator, z.cvrHidden, batch, slope: 0.2)
    FlatBaselineTesting.expectClose(model.loss(batch, Tape(recording: false)).scalar, main + space + task, "AECM")
    #expect(model.config.leakySlope == 0.2 && model.config.base.ctcvrWeight == 1 && model.towers.method == .dr)
  }

  @Test func unreversedGradientsMatchFiniteDifferences() throws {
    // R with strength −1 is the identity both ways, so the loss is a plain function.
    let model = try Self.model()
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 5))
    let held = model.heldInputs(batch)
    let loss: (Tape) -> Tensor = { model.loss(batch, $0, holding: held, reversal: -1) }
    let dense = checkGradients(model.trainableParameters.filter { $0.gradientLayout == .dense }, epsilon: 1e-3,
                               kinkTolerance: 0.05, loss)
    #expect(dense.passed, "\(dense)")
    let rows = BaselineTesting.embeddingRowCheck(model, batch, table: "embedding.item", loss: loss)
    #expect(rows.checked > 0 && rows.excess <= 0, "embedding rows: \(rows)")
  }

  @Test func reversalFlipsTheDiscriminatorsPullOnTheFeaturesOnly() throws {
    // g(+1) = 2·g(main) − g(−1) before the reversal layers; g(+1) = g(−1) in the discriminators.
    let model = try Self.model()
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 6))
    let held = model.heldInputs(batch)
    func gradients(_ f: (Tape) -> Tensor) -> [[Float]] {
      for p in model.parameters { p.zeroGrad() }
      let tape = Tape()
      tape.backward(f(tape))
      return model.trainableParameters.map { p in
        p.gradientLayout == .dense ? Array(p.grad) : p.sparseGrad.map { s in
          (0..<s.count).flatMap { slot in (0..<p.shape[1]).map { s.values(atSlot: slot)[$0] } } } ?? []
      }
    }
    let reversed = gradients { model.loss(batch, $0, holding: held, reversal: 1) }
    let plain = gradients { model.loss(batch, $0, holding: held, reversal: -1) }
    let main = gradients { model.towers.loss(batch, $0, holding: held) }
    let discriminators = Set((model.spaceDiscriminator.parameters + model.taskDiscriminator.parameters).map(\.name))
    var flipped = 0
    for (i, p) in model.trainableParameters.enumerated() {
      for j in 0..<reversed[i].count {
        let want = discriminators.contains(p.name) ? plain[i][j] : 2 * main[i][j] - plain[i][j]
        #expect(abs(reversed[i][j] - want) <= 1e-5 * max(1, abs(want)), "\(p.name)[\(j)]: \(reversed[i][j]) vs \(want)")
        if !discriminators.contains(p.name) && abs(reversed[i][j] - plain[i][j]) > 1e-6 { flipped += 1 }
      }
    }
    #expect(flipped > 0, "the reversal changed no feature gradient")
  }

  @Test func overfitsASmallBatch() throws {
    // The adversarial terms are a minimax game and need not fall; the towers' loss must,
    // if more slowly than an unopposed model's (the space-level adversary works against
    // the CTR task on the same embedding).
    let model = try Self.model()
    let batch = ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 24, converted: 4))
    let before = model.towers.loss(batch, Tape(recording: false)).scalar
    _ = BaselineTesting.overfit(model, batch, steps: 150)
    let after = model.towers.loss(batch, Tape(recording: false)).scalar
    #expect(after < before / 3, "towers' loss \(before) → \(after)")
    let scores = BaselineTesting.scores(model, batch)
    let clicked = (0..<batch.count).filter { batch.click[$0] == 1 }
    let auc = BaselineTesting.auc(clicked.map { scores[$0] }, clicked.map { batch.conversion[$0] })
    #expect(auc > 0.99, "CVR AUC on the clicked rows \(auc)")
  }

  @Test func checkpointRoundTripScoresIdentically() throws {
    try FlatBaselineTesting.checkRoundTrip(try Self.model(seed: 11))
  }
}

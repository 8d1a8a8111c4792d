// MF: finite differences over every table element, bias and MLP weight on the
// ratings path; the CVRModel path on the fixture (gradients, kind table,
// checkpoint); and a few hundred Adam steps recovering a known low-rank matrix.
import CVRAutograd
import CVRCore
import CVRModels
import CVROptim
import CVRTestSupport
import Foundation
import Testing

@Suite struct MatrixFactorizationModelTests {
  /// A 5 × 4 model with random biases and a feature MLP, the rows and features it scores.
  func tinyModel() -> (MatrixFactorizationModel, [Int32], [Int32], [Float], [Float]) {
    let model = MatrixFactorizationModel(
      userCount: 5, itemCount: 4, featureWidth: 3, config: .init(dim: 3, initStd: 0.5, featureHidden: [4]), seed: 2)
    var rng = SeededGenerator(seed: 9)
    model.userBias.parameter.fill { rng.nextFloat(in: -0.5, 0.5) }
    model.itemBias.parameter.fill { rng.nextFloat(in: -0.5, 0.5) }
    model.globalBias.value[0] = 0.3
    let users: [Int32] = [0, 1, 1, 4, 2, 0], items: [Int32] = [3, 0, 2, 2, 1, 3]
    let labels: [Float] = [1, 0, 1, 1, 0, 0]
    let features = (0..<18).map { _ in rng.nextFloat(in: -1, 1) }
    return (model, users, items, labels, features)
  }

  @Test func forwardIsTheFormula() {
    let (model, users, items, _, _) = tinyModel()
    let plain = MatrixFactorizationModel(userCount: 5, itemCount: 4, config: .init(dim: 3), seed: 2)
    let tape = Tape(recording: false)
    let z = plain.logits(users: users, items: items, tape)
    defer { withExtendedLifetime(tape) {} }
    for r in 0..<users.count {
      let u = Int(users[r]), i = Int(items[r])
      var expected = plain.globalBias.value[0] + plain.userBias.row(u)[0] + plain.itemBias.row(i)[0]
      for d in 0..<3 { expected += plain.users.row(u)[d] * plain.items.row(i)[d] }
      #expect(abs(z.data[r] - expected) < 1e-6)
    }
    #expect(model.featureNetwork != nil && plain.featureNetwork == nil)
  }

  @Test func gradientsMatchFiniteDifferences() {
    let (model, users, items, labels, features) = tinyModel()
    func loss(_ tape: Tape) -> Tensor {
      model.loss(users: users, items: items, labels: labels, features: tape.constant(features, Shape(6, 3)), tape)
    }
    model.zeroGrad()
    let tape = Tape()
    tape.backward(loss(tape))
    // Central differences; an element whose one-sided slopes disagree straddles a
    // ReLU kink of the feature MLP and is skipped (counted).
    var checked = 0, kinks = 0, worst = -Double.infinity, worstName = ""
    // One inference tape kept alive while its outputs are read (a tape owns its tensors' memory).
    let probe = Tape(recording: false)
    func value() -> Double {
      probe.reset()
      return Double(loss(probe).scalar)
    }
    let center = value()
    for p in model.parameters {
      let analytic = p.sparseGrad.map { $0.dense() } ?? Array(p.grad)
      for i in 0..<p.value.count {
        let x = p.value[i], h: Float = 2e-3
        p.value[i] = x + h
        let plus = value()
        p.value[i] = x - h
        let minus = value()
        p.value[i] = x
        let right = (plus - center) / Double(h), left = (center - minus) / Double(h)
        if abs(right - left) > 0.05 * max(1, abs(right)) {
          kinks += 1
          continue
        }
        let numeric = (plus - minus) / (2 * Double(h))
        let excess = abs(Double(analytic[i]) - numeric) - (1e-3 + 2e-2 * abs(numeric))
        if excess > worst { (worst, worstName) = (excess, "\(p.name)[\(i)] \(analytic[i]) vs \(numeric)") }
        checked += 1
      }
    }
    #expect(checked + kinks == 5 * 3 + 4 * 3 + 5 + 4 + 1 + (3 * 4 + 4) + (4 + 1))
    #expect(kinks <= 2)
    #expect(worst <= 0, "\(worstName)")
    // Rows no sample touches get no gradient (sparse updates): user 3 is not in the batch.
    #expect(model.users.parameter.sparseGrad!.values(forRow: 3) == nil)
  }

  @Test func adamRecoversAKnownLowRankMatrix() {
    // Truth: z*_ui = ⟨a_u, c_i⟩ + 0.5·g_i (rank 2 plus an item bias), 40 × 30; soft labels σ(z*).
    let (m, n) = (40, 30)
    var rng = SeededGenerator(seed: 21)
    let a = (0..<(m * 2)).map { _ in rng.nextNormal() }, c = (0..<(n * 2)).map { _ in rng.nextNormal() }
    let g = (0..<n).map { _ in rng.nextNormal() }
    func truth(_ u: Int, _ i: Int) -> Float {
      let z = a[u * 2] * c[i * 2] + a[u * 2 + 1] * c[i * 2 + 1] + 0.5 * g[i]
      return 1 / (1 + Foundation.exp(-z))
    }
    var trainU: [Int32] = [], trainI: [Int32] = [], trainY: [Float] = []
    var heldU: [Int32] = [], heldI: [Int32] = [], heldY: [Float] = []
    for u in 0..<m {
      for i in 0..<n {
        if rng.nextUnitFloat() < 0.8 {
          trainU.append(Int32(u)); trainI.append(Int32(i)); trainY.append(truth(u, i))
        } else {
          heldU.append(Int32(u)); heldI.append(Int32(i)); heldY.append(truth(u, i))
        }
      }
    }
    let model = MatrixFactorizationModel(userCount: m, itemCount: n, config: .init(dim: 4, initStd: 0.1), seed: 3)
    let optimizer = Adam(model.trainableParameters, learningRate: 0.05, weightDecay: 1e-5)
    let tape = Tape()
    for _ in 0..<400 {
      tape.reset()
      optimizer.zeroGrad()
      tape.backward(model.loss(users: trainU, items: trainI, labels: trainY, tape))
      optimizer.step()
    }
    func rmse(_ us: [Int32], _ its: [Int32], _ ys: [Float]) -> Double {
      let inference = Tape(recording: false)
      let z = model.logits(users: us, items: its, inference)
      var s = 0.0
      for r in 0..<ys.count {
        let e = Double(1 / (1 + Foundation.exp(-z.data[r])) - ys[r])
        s += e * e
      }
      return withExtendedLifetime(inference) { (s / Double(ys.count)).squareRoot() }
    }
    let mean = heldY.reduce(0, +) / Float(heldY.count)
    let constant = (heldY.reduce(0.0) { $0 + Double(($1 - mean) * ($1 - mean)) } / Double(heldY.count)).squareRoot()
    let trainError = rmse(trainU, trainI, trainY), heldError = rmse(heldU, heldI, heldY)
    #expect(trainError < 0.01, "train RMSE \(trainError)")
    #expect(heldError < 0.05 && heldError < 0.2 * constant, "held-out RMSE \(heldError) vs constant \(constant)")
  }

  @Test func cvrModelPathOnTheFixture() throws {
    let fixture = ModelFixture.shared
    let plan = try FeaturePlan(schema: fixture.schema)
    let entry = try #require(ModelKinds.named("MF"))
    let model = try #require(try entry.build!(ModelBuildRequest(name: "MF", plan: plan, preset: .demo, seed: 4))
      as? MatrixFactorizationModel)
    #expect(model.config.dim == 8)
    let batch = fixture.batch(BaselineTesting.mixedRows(count: 12))
    let dense = BaselineTesting.denseGradientCheck(model, batch)
    #expect(dense.passed, "\(dense)")
    for table in ["mf.user", "mf.item", "mf.user_bias", "mf.item_bias"] {
      let rows = BaselineTesting.embeddingRowCheck(model, batch, table: table)
      #expect(rows.checked > 0 && rows.excess <= 0, "\(table): \(rows)")
    }
    let (before, after) = try BaselineTesting.roundTrip(model, batch) { config, schema in
      try ModelKinds.restore(kind: "MF", configuration: config, schema: schema)
    }
    #expect(before == after)
    let fit = BaselineTesting.overfit(model, batch, steps: 60, learningRate: 0.05)
    #expect(fit.last < 0.5 * fit.first)
  }
}

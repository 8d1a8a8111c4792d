// EGEAN: the pre-trained table is copied, frozen, saved and restored, and stays
// bit-identical while the task LoRA trains; zero-initialised LoRA changes
// nothing; every loss term equals its hand-computed value; gradients match
// finite differences; it overfits a batch; the ablations drop their parts.
import CVRAutograd
import CVRCore
import CVRData
import CVRModels
import CVROptim
import CVRTestSupport
import Foundation
import Testing

@Suite struct EGEANModelTests {
  static var plan: FeaturePlan { get throws { try FeaturePlan(schema: ModelFixture.shared.schema) } }

  static var exposureConfig: ExposurePretrainModel.Config {
    var c = ExposurePretrainModel.Config.demo
    c.widths = [4]
    return c
  }

  static func config(_ estimator: EGEANModel.CVREstimator = .pvdr) -> EGEANModel.Config {
    var c = EGEANModel.Config.demo
    c.estimator = estimator
    c.towers.widths = [5, 3]
    c.exposure = exposureConfig
    c.loraRank = 2
    c.loraAlpha = 2
    c.taskEmbeddingDim = 2
    c.epnetHidden = 4
    return c
  }

  /// An exposure model trained a few steps, so its table is no longer the initial one.
  static func pretrained(seed: UInt64 = 5) throws -> ExposurePretrainModel {
    let model = try ExposurePretrainModel(plan: plan, config: exposureConfig, seed: seed)
    _ = BaselineTesting.overfit(model, ModelFixture.shared.batch(BaselineTesting.mixedRows(count: 12)), steps: 5)
    return model
  }

  static func model(_ config: EGEANModel.Config = config(), seed: UInt64 = 3) throws -> EGEANModel {
    try EGEANModel(pretrained: pretrained(), config: config, seed: seed)
  }

  static func batch(_ count: Int = 6, converted: Int = 2) -> Batch {
    ModelFixture.shared.batch(BaselineTesting.mixedRows(count: count, converted: converted))
  }

  static func table(_ model: any CVRModel, _ name: String) -> Parameter {
    model.parameters.first { $0.name == name }!
  }

  @Test func thePreTrainedTableIsCopiedAndFrozen() throws {
    let exposure = try Self.pretrained()
    let model = try EGEANModel(pretrained: exposure, config: Self.config(), seed: 3)
    for p in exposure.trunk.parameters {
      let copy = Self.table(model, p.name)
      #expect(copy.values().map(\.bitPattern) == p.values().map(\.bitPattern), "\(p.name)")
      #expect(!copy.requiresGrad)
    }
    let trainable = Set(model.trainableParameters.map(\.name))
    #expect(!trainable.contains { $0.hasPrefix("embedding.") })
    #expect(trainable.contains("cvr.lora.embedding.item/lora_A") && trainable.contains("ctr.lora.embedding.item/lora_B"))
    #expect(trainable.contains("epnet.0.weight") && trainable.contains("imputation.ppnet.1.1.weight"))
    #expect(trainable.contains("task_embedding"))
    let names = model.parameters.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(model.kind == "EGEAN" && model.displayName == "EGEAN+PVDR" && model.trainingSpace == .exposure)
  }

  @Test func zeroInitialisedLoRALeavesTheOutputUnchanged() throws {
    let model = try Self.model()
    let batch = Self.batch()
    func logits(adapt: Bool) -> [[UInt32]] {
      let tape = Tape(recording: false)
      let z = model.logits(batch, tape, adapt: adapt)
      let tensors: [Tensor] = [z.ctr, z.cvr, z.imputation]
      return withExtendedLifetime(tape) { tensors.map { $0.toArray().map { $0.bitPattern } } }
    }
    #expect(logits(adapt: true) == logits(adapt: false))
    let inputTape = Tape(recording: false)
    let inputs = model.towerInputs(batch, inputTape)
    #expect(inputs.shared.shape == Shape(batch.count, model.trunk.inputDim))
    withExtendedLifetime(inputTape) {}
    // A trained A moves the task embedding: the comparison above can fail.
    let a = Self.table(model, "cvr.lora.embedding.item/lora_A")
    a.fill { 0.5 }
    #expect(logits(adapt: true)[1] != logits(adapt: false)[1])
    #expect(logits(adapt: true)[0] == logits(adapt: false)[0], "the CTR task has its own adapter")
  }

  @Test func thePreTrainedTableStaysBitIdenticalWhileTheTaskLoRATrains() throws {
    let model = try Self.model()
    let batch = Self.batch(16, converted: 3)
    let tables = model.trunk.parameters
    let before = tables.map { $0.values().map(\.bitPattern) }
    let a = Self.table(model, "cvr.lora.embedding.item/lora_A"), b = Self.table(model, "cvr.lora.embedding.item/lora_B")
    let bBefore = b.values()
    // Adam with weight decay (EGEAN §3.0.3) over what a Trainer would train.
    let optimizer = Adam(model.trainableParameters, learningRate: 1e-2, weightDecay: 1e-6)
    let tape = Tape(seed: 1)
    for _ in 0..<5 {
      tape.reset()
      optimizer.zeroGrad()
      tape.backward(model.loss(batch, tape))
      optimizer.step()
    }
    #expect(tables.map { $0.values().map(\.bitPattern) } == before)
    #expect(a.values().contains { $0 != 0 } && b.values() != bBefore, "the LoRA did not train")
  }

  /// MMD² by explicit loops in Double (Gretton et al. 2012, EVI bandwidth rule), independent of the op.
  static func mmd(_ x: Tensor, _ y: Tensor, scales: [Double]) -> Double {
    let n = x.shape[0], d = x.shape[1]
    let z = (0..<(2 * n)).map { a in (0..<d).map { Double(a < n ? x.data[a * d + $0] : y.data[(a - n) * d + $0]) } }
    let dist = z.map { za in z.map { zb in zip(za, zb).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } } }
    let sigma = dist.joined().reduce(0, +) / Double(4 * n * n - 2 * n)
    var total = 0.0
    for a in 0..<(2 * n) {
      for b in 0..<(2 * n) {
        let k = scales.reduce(0) { $0 + exp(-dist[a][b] / (sigma * $1)) }
        total += ((a < n) == (b < n) ? 1 : -1) * k
      }
    }
    return total / Double(n * n)
  }

  @Test(arguments: [(EGEANModel.CVREstimator.dr, EGEANModel.PropensitySource.ctr, "0.3", ImputedError.label),
                    (.pvdr, .ctr, "0.3", .label), (.pvdr, .ctrTimesExposure, "0.3", .label),
                    (.pvdr, .ctr, "inverse:0.2", .label), (.dr, .ctr, "0.3", .direct), (.pvdr, .ctr, "0.3", .direct)])
  func theJointLossEqualsItsHandComputedTerms(_ estimator: EGEANModel.CVREstimator,
                                              _ source: EGEANModel.PropensitySource, _ rule: String,
                                              _ form: ImputedError) throws {
    var config = Self.config(estimator)
    config.propensity = source
    config.pvdrLambda = rule
    config.imputedError = form
    config.ctrWeight = 0.7
    config.ctcvrWeight = 1.3
    config.cvrWeight = 0.9
    config.imputationWeight = 0.4
    config.mmdWeight = 0.25
    config.steadyStatePenalty = 2
    let exposure = try Self.pretrained()
    let model = try EGEANModel(pretrained: exposure, config: config, seed: 3)
    let batch = Self.batch(7, converted: 2)
    let n = batch.count, nd = Double(n)
    // Every tape stays alive to the end: the tensors read below live in their arenas.
    let zTape = Tape(recording: false), qTape = Tape(recording: false), termTape = Tape(recording: false)
    defer { withExtendedLifetime((zTape, qTape, termTape)) {} }
    let z = model.logits(batch, zTape)
    let q = exposure.realPairLogits(batch, qTape)
    var ctr = 0.0, ctcvr = 0.0, cvr = 0.0, imputationFit = 0.0, steady = 0.0
    // λ_i at the clipped propensity: DR is λ ≡ 1; "inverse:0.2" is min(1, 0.2/p̂).
    let lambdaOf: (Double) -> Double = { p in estimator == .dr ? 1 : rule == "0.3" ? 0.3 : min(1, 0.2 / p) }
    for b in 0..<n {
      let c = BaselineTesting.logSigmoid(z.ctr.data[b]), v = BaselineTesting.logSigmoid(z.cvr.data[b])
      let o: Double = Double(batch.click[b]), w: Double = Double(batch.weight[b])
      let r: Double = o * Double(batch.conversion[b])
      let ctrTerm: Double = o * c.log + (1 - o) * c.log1m
      ctr -= w * ctrTerm
      let pCTCVR: Double = exp(c.log + v.log)
      let ctcvrTerm: Double = r * log(pCTCVR) + (1 - r) * log1p(-pCTCVR)
      ctcvr -= w * ctcvrTerm
      let e: Double = -(r * v.log + (1 - r) * v.log1m)
      // ê: softplus(z_imp) (direct) or CE(r̃, pCVR) with r̃ = σ(z_imp) (label).
      let rTilde = 1 / (1 + exp(-Double(z.imputation.data[b])))
      let imputed = form == .direct ? log1p(exp(Double(z.imputation.data[b])))
        : -(rTilde * v.log + (1 - rTilde) * v.log1m)
      var p = exp(c.log)
      if source == .ctrTimesExposure { p /= 1 + exp(-Double(q.data[b])) }
      p = min(max(p, 0.05), 1)
      let lambda = lambdaOf(p)
      cvr += lambda * imputed + o * (e - lambda * imputed) / p
      imputationFit += o * (e - imputed) * (e - imputed) / p
      steady += o * (e - lambda * imputed) / p
    }
    let imputation = estimator == .pvdr ? imputationFit / nd + 2 * (steady / nd) * (steady / nd) : imputationFit / nd
    let mmd = Self.mmd(z.inputs.cvr, z.inputs.shared, scales: [1])
    let terms = model.lossTerms(batch, termTape)
    let got = [terms.ctr, terms.ctcvr, terms.cvr, terms.imputation, terms.mmd!].map { Double($0.scalar) }
    let want = [ctr / nd, ctcvr / nd, cvr / nd, imputation, mmd]
    for (name, (g, w)) in zip(["ctr", "ctcvr", "cvr", "imputation", "mmd"], zip(got, want)) {
      #expect(abs(g - w) < 1e-4 * max(1, abs(w)), "\(name): \(g) expected \(w)")
    }
    #expect(mmd > 0, "the EPNet gate moves the CVR input off the shared embedding")
    let joint = 0.7 * want[0] + 1.3 * want[1] + 0.9 * want[2] + 0.4 * want[3] + 0.25 * want[4]
    let loss = Double(model.loss(batch, Tape(recording: false)).scalar)
    #expect(abs(loss - joint) < 1e-4 * max(1, joint), "joint \(loss) expected \(joint)")
  }

  /// With `imputedError: direct`, ê reads sg(o_cvr), so the CVR tower's gradient is the
  /// same under DR and PVDR (λ only scales a constant); with `label` (the default), λ
  /// weighs CE(r̃, pCVR) on every row and the gradients differ.
  @Test(arguments: [ImputedError.direct, .label])
  func lambdaReachesTheCVRTowerOnlyThroughALabelImputation(_ form: ImputedError) throws {
    func cvrGradients(_ estimator: EGEANModel.CVREstimator) throws -> [Float] {
      var config = Self.config(estimator)
      config.imputedError = form
      config.pvdrLambda = "0.3"
      let model = try EGEANModel(pretrained: try Self.pretrained(), config: config, seed: 3)
      let tape = Tape(seed: 1)
      defer { withExtendedLifetime(tape) {} }
      model.trainableParameters.forEach { $0.zeroGrad() }
      tape.backward(model.loss(Self.batch(12, converted: 3), tape))
      return model.cvrTower.parameters.flatMap { Array($0.grad) }
    }
    let dr = try cvrGradients(.dr), pvdr = try cvrGradients(.pvdr)
    let gap = zip(dr, pvdr).map { abs($0 - $1) }.max() ?? 0
    if form == .direct {
      #expect(dr == pvdr, "direct: DR and PVDR differ by \(gap) on the CVR tower")
    } else {
      #expect(gap > 1e-4, "label: λ did not change the CVR tower's gradient (max gap \(gap))")
    }
  }

  @Test func multiBandwidthMMDIsTheFiveKernelSum() throws {
    var config = Self.config()
    config.mmdKernel = .multi
    let model = try Self.model(config)
    let batch = Self.batch()
    let tape = Tape(recording: false)
    defer { withExtendedLifetime(tape) {} }
    let z = model.logits(batch, tape)
    let mmd = Double(model.lossTerms(batch, Tape(recording: false)).mmd!.scalar)
    let want = Self.mmd(z.inputs.cvr, z.inputs.shared, scales: [0.25, 0.5, 1, 2, 4])
    #expect(abs(mmd - want) < 1e-4 * max(1, want), "\(mmd) vs \(want)")
  }

  /// Finite differences of the loss under `config` over the dense trainable parameters `select` keeps.
  static func check(_ model: EGEANModel, _ batch: Batch, _ select: (String) -> Bool) -> GradientCheckResult {
    let parameters = model.trainableParameters.filter { $0.gradientLayout == .dense && select($0.name) }
    return checkGradients(parameters, epsilon: 3e-4, kinkTolerance: 0.01) { tape in model.loss(batch, tape) }
  }

  /// Zeroes the columns of every Gate NU's first layer that read the gated input
  /// (after the task prior's k columns), so each gate is a function of its task prior.
  static func neutraliseGateInputs(_ model: EGEANModel) {
    let k = model.config.taskEmbeddingDim
    for gate in [model.epnet!] + model.ctrTower.gates + model.cvrTower.gates + model.imputationTower.gates {
      let w = gate.hidden.weight, width = w.shape[1]
      for r in 0..<w.shape[0] { (w.value.baseAddress! + r * width + k).update(repeating: 0, count: width - k) }
    }
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    // The loss holds constants on purpose: p̂ (the detached pCTR), e in the imputation
    // loss, ê in the CVR loss, the MMD's data bandwidth σ̄, and every gate's stop-gradient
    // input. Finite differences see them move, so each side is checked with the terms that
    // read it as a constant switched off, the MMD at a fixed σ̄ (its data σ̄ is checked to be
    // a constant in MMDTests), and, where a gate's input lies downstream of what is
    // checked, the gates reading their task prior alone (their input-side weights zeroed;
    // the gates' own stop-gradient is checked in GateNUTests).
    let batch = Self.batch(5)
    var base = Self.config()
    base.mmdBandwidth = 2
    // Prediction side (CVR tower and LoRA: not upstream of p̂), with the CVR loss, not the imputation.
    var prediction = base
    prediction.imputationWeight = 0
    let a = try Self.model(prediction)
    Self.neutraliseGateInputs(a)
    let cvrSide = Self.check(a, batch) { $0.hasPrefix("cvr.") }
    #expect(cvrSide.passed && cvrSide.skippedAtKinks * 10 < cvrSide.checked, "CVR side: \(cvrSide)")
    let rows = BaselineTesting.embeddingRowCheck(a, batch, table: "cvr.lora.embedding.item/lora_A")
    #expect(rows.checked > 0 && rows.excess <= 0, "CVR LoRA A rows: \(rows)")
    // Imputation side, with the imputation loss alone reading ê.
    var imputation = base
    imputation.cvrWeight = 0
    let b = try Self.model(imputation)
    let imputationSide = Self.check(b, batch) { $0.hasPrefix("imputation.") }
    #expect(imputationSide.passed && imputationSide.checked > 0, "imputation side: \(imputationSide)")
    // Everything, with the terms that divide by p̂ off: CTR, CTCVR, MMD.
    var shared = base
    shared.cvrWeight = 0
    shared.imputationWeight = 0
    let c = try Self.model(shared)
    Self.neutraliseGateInputs(c)
    let all = Self.check(c, batch) { _ in true }
    #expect(all.passed && all.skippedAtKinks * 10 < all.checked, "every dense parameter: \(all)")
    let ctrRows = BaselineTesting.embeddingRowCheck(c, batch, table: "ctr.lora.embedding.user_id/lora_A")
    #expect(ctrRows.checked > 0 && ctrRows.excess <= 0, "CTR LoRA A rows: \(ctrRows)")
    // w/o EN: the shared table trains, through the towers and the MMD.
    shared.exposureTask = false
    let joint = try EGEANModel(plan: Self.plan, config: shared, seed: 4)
    Self.neutraliseGateInputs(joint)
    let tableRows = BaselineTesting.embeddingRowCheck(joint, batch, table: "embedding.item")
    #expect(tableRows.checked > 0 && tableRows.excess <= 0, "shared table rows: \(tableRows)")
  }

  /// With `direct` the joint loss is one objective and falls; with `label` (DR-JL's
  /// imputed label) the prediction and imputation terms pull against each other (the
  /// (1 − o/p̂)·λ·CE(r̃, pCVR) term has a negative weight on clicked rows and is
  /// unbounded), so the test follows what the prediction fits: the clicked rows' log loss.
  @Test(arguments: [ImputedError.direct, .label])
  func overfitsASmallBatch(_ form: ImputedError) throws {
    var config = Self.config()
    config.imputedError = form
    let model = try Self.model(config)
    let batch = Self.batch(24, converted: 4)
    let clicked = (0..<batch.count).filter { batch.click[$0] == 1 }
    func clickedLogLoss() -> Double {
      let scores = BaselineTesting.scores(model, batch)
      return clicked.map { b -> Double in
        let p = min(max(Double(scores[b]), 1e-7), 1 - 1e-7)
        return batch.conversion[b] == 1 ? -log(p) : -log(1 - p)
      }.reduce(0, +) / Double(clicked.count)
    }
    let before = clickedLogLoss()
    let (first, last) = BaselineTesting.overfit(model, batch, steps: 150)
    if form == .direct { #expect(last < first / 3, "loss \(first) → \(last)") }
    let after = clickedLogLoss()
    #expect(after < before / 3, "clicked rows' CVR log loss \(before) → \(after)")
    let scores = BaselineTesting.scores(model, batch)
    let auc = BaselineTesting.auc(clicked.map { scores[$0] }, clicked.map { batch.conversion[$0] })
    #expect(auc > 0.99, "CVR AUC on the clicked rows \(auc)")
  }

  @Test func checkpointRoundTripRestoresTheFrozenTable() throws {
    var config = Self.config()
    config.propensity = .ctrTimesExposure
    let model = try Self.model(config, seed: 11)
    let batch = Self.batch(9)
    _ = BaselineTesting.overfit(model, batch, steps: 3)
    var restored: (any CVRModel)?
    let (before, after) = try BaselineTesting.roundTrip(model, batch) { configuration, schema in
      let copy = try ModelKinds.restore(kind: "EGEAN", configuration: configuration, schema: schema)
      restored = copy
      return copy
    }
    #expect(before.map(\.bitPattern) == after.map(\.bitPattern))
    let copy = try #require(restored)
    let table = Self.table(copy, "embedding.item")
    #expect(!table.requiresGrad && table.values() == Self.table(model, "embedding.item").values())
    #expect(Self.table(copy, "exposure.0.weight").values() == Self.table(model, "exposure.0.weight").values())
  }

  @Test func theAblationsDropTheirParts() throws {
    var noTPN = Self.config()
    noTPN.taskPersonalisation = false
    let a = try Self.model(noTPN)
    #expect(!a.parameters.contains { $0.name.contains("lora") || $0.name.contains("epnet") || $0.name.contains("ppnet") })
    #expect(a.lossTerms(Self.batch(), Tape(recording: false)).mmd == nil && a.displayName == "EGEAN w/o TPN")

    var noML = Self.config(.dr)
    noML.metricLearning = false
    let b = try Self.model(noML)
    #expect(b.lossTerms(Self.batch(), Tape(recording: false)).mmd == nil && b.displayName == "EGEAN+DR w/o ML")
    #expect(b.parameters.contains { $0.name.contains("lora") })

    var noEN = Self.config()
    noEN.exposureTask = false
    let built = try ModelKinds.named("EGEAN")!.build!(
      ModelBuildRequest(name: "EGEAN", plan: Self.plan, options: JSONValue(encoding: noEN), preset: .demo, seed: 2))
    #expect(built.displayName == "EGEAN w/o EN")
    #expect(Self.table(built, "embedding.item").requiresGrad)
    #expect(throws: (any Error).self) { try EGEANModel(pretrained: Self.pretrained(), config: noEN, seed: 1) }
    #expect(throws: (any Error).self) {
      try ModelKinds.named("EGEAN")!.build!(ModelBuildRequest(name: "EGEAN", plan: Self.plan, preset: .demo, seed: 2))
    }
    var bad = Self.config()
    bad.pvdrLambda = "2"
    #expect(throws: (any Error).self) { try EGEANModel(plan: Self.plan, config: bad, seed: 1) }
  }

  @Test func optionsDecodeFromCamelCaseKeys() throws {
    let options = try JSONValue.parse(#"{"estimator": "dr", "exposureTask": false, "metricLearning": false, "mmdKernel": "multi", "propensity": "ctr"}"#)
    let request = ModelBuildRequest(name: "EGEAN", plan: try Self.plan, options: options, preset: .demo, seed: 1)
    let config = try request.configuration(EGEANModel.Config.self, defaults: .demo)
    #expect(config.estimator == .dr && !config.exposureTask && !config.metricLearning && config.mmdKernel == .multi)
    #expect(config.taskPersonalisation && config.towers == .demo)
  }
}

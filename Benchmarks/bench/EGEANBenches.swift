// M3 of WORKLOADS.md: EGEAN trained (batch 1024: the exposure task, CTR, CTCVR,
// DR with imputation and MMD in one Adam step) and scored (batch 1024), as
// samples/s, in a process of its own (main.swift) so its peak memory is its own.
import CVRAutograd
import CVRCore
import CVRData
import CVRLayers
import CVRModels
import CVROptim
import CVRTraining

/// M3's data: 12 user and 12 item sparse fields (100 000 × 8 each) and 8 dense
/// values (the interaction block, so e_u = e_i = 96 and x = 200), click rate 0.3 and
/// conversion rate 0.3 of clicks (dense enough labels that 20 steps visibly learn).
final class M3Data {
  static let rowCount = 8192
  let schema: DataSchema
  let assembler: BatchAssembler

  init(seed: UInt64) {
    func column(_ name: String, _ role: ColumnSpec.Role, group: ColumnSpec.Group) -> ColumnSpec {
      var c = ColumnSpec(name, role: role)
      (c.vocab, c.dim, c.group) = role == .sparse ? (100_000, 8, group) : (nil, nil, group)
      return c
    }
    var columns = (0..<12).map { column("user_s\($0)", .sparse, group: .user) }
    columns += (0..<12).map { column("item_s\($0)", .sparse, group: .item) }
    columns += (0..<8).map { column("pair_d\($0)", .dense, group: .interaction) }
    columns += [ColumnSpec("click", role: .click), ColumnSpec("buy", role: .conversion), ColumnSpec("day", role: .day)]
    schema = DataSchema(columns: columns)
    let n = Self.rowCount
    var rng = SeededGenerator(seed: seed)
    var store = ColumnStore(schema: schema, rowCount: n)
    for spec in columns where spec.role == .sparse {
      let buffer = ColumnBuffer<Int32>(count: n, repeating: 0)
      for i in 0..<n { buffer.storage[i] = Int32(rng.next() % 100_000) }
      store.ids[spec.name] = buffer.column(width: 1)
    }
    func floats(_ value: (Int) -> Float) -> Column<Float> {
      let buffer = ColumnBuffer<Float>(count: n, repeating: 0)
      for i in 0..<n { buffer.storage[i] = value(i) }
      return buffer.column()
    }
    for spec in columns where spec.role == .dense { store.dense[spec.name] = floats { _ in rng.nextFloat(in: -1, 1) } }
    let clicks = (0..<n).map { _ in rng.nextUnitFloat() < 0.3 }
    store.labels["click"] = floats { clicks[$0] ? 1 : 0 }
    store.labels["buy"] = floats { clicks[$0] && rng.nextUnitFloat() < 0.3 ? 1 : 0 }
    let days = ColumnBuffer<Int32>(count: n, repeating: 0)
    store.days = days.column(width: 1)
    let normalizer = try! DenseNormalizer(store: store, rows: (0..<Int32(n)).map { $0 })
    assembler = try! BatchAssembler(store: store, normalizer: normalizer)
  }

  /// `count` batches of `size` consecutive rows (the ids are already random).
  func batches(_ count: Int, size: Int) -> [Batch] {
    (0..<count).map { b in
      let batch = assembler.makeBatch(capacity: size)
      let start = Int32((b * size) % (Self.rowCount - size + 1))
      Array(start..<(start + Int32(size))).withUnsafeBufferPointer { assembler.fill(batch, rows: $0) }
      return batch
    }
  }
}

/// The exposure task and EGEAN in one model, for M3's single joint step: the
/// exposure loss (MLP [e_u 96; e_i 96] → 256 → 128 → 1, one shuffled negative per
/// row) on the frozen table plus EGEAN's loss (LoRA rank 4 per task, EPNet 200 →
/// 200 → 200, towers 200 → 256 → 128 → 64 → 1 with PPNet gates, MMD² single kernel
/// weight 0.1, DR with imputation, p̂ = pCTR · q detached, clipped at 0.05).
///
/// The exposure MLP trains here (M3 sums the losses); EGEAN's own copy of it, which
/// gives q, is frozen, as is the shared table (M3's "LoRA … on the embeddings").
final class M3Model: CVRModel {
  let exposure: ExposurePretrainModel
  let egean: EGEANModel
  let kind = "M3"
  let displayName = "M3"
  var trainingSpace: Space { .exposure }
  var configuration: JSONValue { .null }
  var heads: [PredictionHead] { [.ctr, .cvr, .ctcvr] }

  init(schema: DataSchema, seed: UInt64) throws {
    let plan = try FeaturePlan(schema: schema)
    exposure = try ExposurePretrainModel(plan: plan, config: .paper, seed: seed)
    var config = EGEANModel.Config.paper
    config.estimator = .dr
    config.propensity = .ctrTimesExposure
    config.imputedError = .direct  // M3: ê = softplus(imputation logit), detached in the DR loss
    egean = try EGEANModel(pretrained: exposure, config: config, seed: seed + 1)
    exposure.trunk.setFrozen(true)
  }

  var children: [any Layer] { [exposure, egean] }

  func loss(_ batch: Batch, _ tape: Tape) -> Tensor { tape.add(exposure.loss(batch, tape), egean.loss(batch, tape)) }

  func predict(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs) { egean.predict(batch, tape, into: outputs) }

  func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    egean.predictCVR(batch, tape, into: out)
  }
}

enum EGEANBenches {
  static let batchSize = 1024
  static let shape = "batch 1024, 24 fields 1e5x8 + 8 dense, LoRA r4 x2, EPNet 200, towers 200->256->128->64->1 x3 + PPNet, "
    + "MMD, exposure 192->256->128->1; Adam lr 1e-3 wd 1e-6: dense Adam on dense parameters, lazy (SparseAdam) on LoRA A rows"

  static func m3Cases() -> [BenchCase] {
    let data = M3Data(seed: 13)
    let model = try! M3Model(schema: data.schema, seed: 1)
    let optimizer = Adam(model.trainableParameters, learningRate: 1e-3, weightDecay: 1e-6)
    let step = TrainingStep(model: model, optimizer: optimizer, seed: 1)
    let training = MetaCVRBenches.Cycle(data.batches(6, size: batchSize))
    let scoring = MetaCVRBenches.Cycle(data.batches(2, size: batchSize))
    let tape = Tape(recording: false)
    let ctr = UnsafeMutablePointer<Float>.allocate(capacity: batchSize)
    let cvr = UnsafeMutablePointer<Float>.allocate(capacity: batchSize)
    let ctcvr = UnsafeMutablePointer<Float>.allocate(capacity: batchSize)
    let outputs = PredictionOutputs(ctr: ctr, cvr: cvr, ctcvr: ctcvr)
    let train: (Batch) -> Float = { (try? step.step($0)) ?? .nan }
    return [
      BenchCase(name: "M3-train", shape: shape, flops: 0, run: { _ = train(training.take()) },
                check: { frozen(model, train, training.batches[0]) ?? MetaCVRBenches.learns(train, on: training.batches[0]) },
                samples: Double(batchSize)),
      BenchCase(name: "M3-infer", shape: "batch 1024, pCTR, pCVR, pCTCVR of the M3 model",
                flops: 0, run: { model.score(scoring.take(), tape, into: outputs) },
                check: { probabilities(model, scoring.batches[0], tape, outputs) }, samples: Double(batchSize)),
    ]
  }

  /// A training step leaves the shared table bit-identical and moves a LoRA A table.
  static func frozen(_ model: M3Model, _ train: (Batch) -> Float, _ batch: Batch) -> String? {
    let table = model.egean.trunk.parameters[0]
    let lora = model.egean.parameters.first { $0.name.hasSuffix("/lora_A") }!
    let before = table.values()
    _ = train(batch)
    if table.values() != before { return "a step moved the frozen \(table.name)" }
    return lora.values().contains { $0 != 0 } ? nil : "the LoRA \(lora.name) did not move"
  }

  /// Every head a probability in [0, 1], pCTCVR = pCTR · pCVR, scoring twice the same bits.
  static func probabilities(_ model: M3Model, _ batch: Batch, _ tape: Tape, _ out: PredictionOutputs) -> String? {
    model.score(batch, tape, into: out)
    let first = Array(UnsafeBufferPointer(start: out.cvr!, count: batch.count))
    model.score(batch, tape, into: out)
    for i in 0..<batch.count {
      let (p, q, pq) = (out.ctr![i], out.cvr![i], out.ctcvr![i])
      // Closed bounds: the train case's checks ran 20+ steps on one batch first, and a
      // memorised row's probability may round to 1 in Float.
      if !(p >= 0 && p <= 1 && q >= 0 && q <= 1) || pq != p * q || first[i] != q {
        return "sample \(i): \(p), \(q), \(pq)"
      }
    }
    return nil
  }
}

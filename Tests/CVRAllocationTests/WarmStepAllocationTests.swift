// Heap allocations in a warm training step of an M1-shaped model (MetaCVR's base
// model: FRN with sequence attention, Adagrad with sparse-row table updates) and of
// an M3-shaped one (the exposure task plus EGEAN with LoRA, PPNet towers, MMD and
// DR, Adam with lazy sparse rows): every malloc-family call of the calling thread is
// counted (CAllocationCounter) over 4 steps after warm-up. Shapes are WORKLOADS.md's
// M1 and M3 with small vocabularies.
//
// Not zero yet. What is left, per step (CVR_ALLOCATION_TRACE=N prints the stacks):
// - one per parallel region of more than one chunk (Threads.run): withoutActuallyEscaping
//   gives the chunk body a heap context, in release builds too (checked with a
//   standalone program at -O); M1 has 6 such regions a step (attention forward and
//   backward), M3 about 54 (products split over threads);
// - OpenBLAS 0.3.21's AVX-512 small-matrix kernel (sgemm_small_kernel_nn) mallocs a
//   buffer: 2 a step in M1 and 3 in M3 on this machine (counted apart, not bounded);
// - M3 only: a few model-side arrays (negative shifts, the MMD kernel's scales, pair
//   logits, Collection.map in the exposure loss).
// The counter leaves out what libdispatch and OpenBLAS ask for themselves (their
// number depends on the library build and on what other threads hold). When another
// caller holds the worker pool (other suites run concurrently), a region falls back to
// concurrentPerform, whose closure context and Swift-side bookkeeping add a few more:
// measured over 4 steps, 24–75 (M1) and 276–333 (M3) with this suite alone, and up to
// 503–600 (M3) beside other parallel suites (up to ~4 a region when the pool is taken),
// so the bounds are 50 and 400 a step. Before this test's fixes a warm step made 555
// (M1) and 1 043 (M3) allocations, so the bounds fail on a regression of that kind (a
// per-row, per-field or per-parameter allocation); they do not prove zero, which is
// not reached.
import CAllocationCounter
import CVRAutograd
import CVRCore
import CVRData
import CVRLayers
import CVRModels
import CVROptim
import CVRTraining
import Testing

/// Seeded batches of an in-memory column store, assembled once (as a warm loader's).
private func batches(schema: DataSchema, rows n: Int, count: Int, size: Int, seed: UInt64,
                     sequenceLength T: Int = 0) -> [Batch] {
  var rng = SeededGenerator(seed: seed)
  var store = ColumnStore(schema: schema, rowCount: n)
  func ints(width: Int = 1, _ value: (Int) -> Int32) -> Column<Int32> {
    let buffer = ColumnBuffer<Int32>(count: n * width, repeating: 0)
    for i in 0..<(n * width) { buffer.storage[i] = value(i) }
    return buffer.column(width: width)
  }
  func floats(_ value: (Int) -> Float) -> Column<Float> {
    let buffer = ColumnBuffer<Float>(count: n, repeating: 0)
    for i in 0..<n { buffer.storage[i] = value(i) }
    return buffer.column()
  }
  let lengths = (0..<n).map { _ in Int32(2 + Int(rng.next() % UInt64(max(1, T - 1)))) }
  for spec in schema.columns {
    switch spec.role {
    case .sparse: store.ids[spec.name] = ints { _ in Int32(rng.next() % UInt64(spec.vocab!)) }
    case .dense: store.dense[spec.name] = floats { _ in rng.nextFloat(in: -1, 1) }
    case .sequence:
      store.lists[spec.name] = ints(width: T) { i in
        Int32(i % T) < lengths[i / T] ? Int32(rng.next() % UInt64(spec.vocab!)) : -1
      }
      store.lengths[spec.name] = ints { lengths[$0] }
    default: break
    }
  }
  let clicks = (0..<n).map { _ in rng.nextUnitFloat() < 0.5 }
  store.labels["click"] = floats { clicks[$0] ? 1 : 0 }
  store.labels["buy"] = floats { clicks[$0] && rng.nextUnitFloat() < 0.4 ? 1 : 0 }
  store.days = ints { _ in 0 }
  if let occasions = schema.occasions, !occasions.isEmpty {
    store.occasions = ints { _ in Int32(rng.next() % UInt64(occasions.count)) }
    store.occasionNames = occasions
  }
  let normalizer = try! DenseNormalizer(store: store, rows: (0..<Int32(n)).map { $0 })
  let assembler = try! BatchAssembler(store: store, normalizer: normalizer)
  return (0..<count).map { b in
    let batch = assembler.makeBatch(capacity: size)
    let start = Int32(b * size % (n - size + 1))
    Array(start..<(start + Int32(size))).withUnsafeBufferPointer { assembler.fill(batch, rows: $0) }
    return batch
  }
}

private func column(_ name: String, _ role: ColumnSpec.Role, vocab: Int? = nil, dim: Int? = nil, table: String? = nil,
                    group: ColumnSpec.Group? = nil, alignWith: String? = nil, maxLength: Int = 0) -> ColumnSpec {
  var c = ColumnSpec(name, role: role)
  (c.vocab, c.dim, c.table, c.group, c.alignWith) = (vocab, dim, table, group, alignWith)
  if role == .sequence { (c.separator, c.maxLength) = ("|", maxLength) }
  return c
}

/// M1's blocks (context, user, item with shared item/category/brand tables, the
/// behaviour sequence of T = 12 over those tables, interaction dense, occasion).
private func m1Schema(sequenceLength T: Int) -> DataSchema {
  var columns = [column("position", .sparse, vocab: 20, dim: 8, group: .context),
                 column("hour", .sparse, vocab: 24, dim: 8, group: .context)]
  columns += (0..<3).map { column("user_s\($0)", .sparse, vocab: 300, dim: 8, group: .user) }
  columns += (0..<4).map { column("user_d\($0)", .dense, group: .user) }
  columns += [column("item_id", .sparse, vocab: 2000, dim: 16, table: "item", group: .item),
              column("item_category", .sparse, vocab: 50, dim: 16, table: "category", group: .item),
              column("item_brand", .sparse, vocab: 300, dim: 16, table: "brand", group: .item)]
  columns += (0..<4).map { column("item_d\($0)", .dense, group: .item) }
  columns += (0..<4).map { column("pair_d\($0)", .dense, group: .interaction) }
  columns += [
    column("hist_items", .sequence, vocab: 2000, dim: 16, table: "item", group: .user, maxLength: T),
    column("hist_cats", .sequence, vocab: 50, dim: 16, table: "category", group: .user, alignWith: "hist_items",
           maxLength: T),
    column("hist_brands", .sequence, vocab: 300, dim: 16, table: "brand", group: .user, alignWith: "hist_items",
           maxLength: T),
    ColumnSpec("click", role: .click), ColumnSpec("buy", role: .conversion), ColumnSpec("day", role: .day),
    ColumnSpec("occasion", role: .occasion),
  ]
  return DataSchema(columns: columns, occasions: ["NP", "BP", "DP", "AP"])
}

/// M3's blocks: user and item sparse fields and the interaction dense values.
private func m3Schema() -> DataSchema {
  var columns = (0..<4).map { column("user_s\($0)", .sparse, vocab: 500, dim: 8, group: .user) }
  columns += (0..<4).map { column("item_s\($0)", .sparse, vocab: 500, dim: 8, group: .item) }
  columns += (0..<4).map { column("pair_d\($0)", .dense, group: .interaction) }
  columns += [ColumnSpec("click", role: .click), ColumnSpec("buy", role: .conversion), ColumnSpec("day", role: .day)]
  return DataSchema(columns: columns)
}

/// The exposure task and EGEAN in one loss, as workload M3's joint step (the
/// bench's M3Model): the shared tables frozen, LoRA per task, DR with imputation.
private final class M3ShapedModel: CVRModel {
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
    config.imputedError = .direct
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

/// Heap allocations of the calling thread during `warm` steps after `warmUp` steps
/// (cycling through `batches`), and the losses of the counted steps.
private func countedAllocations(_ step: TrainingStep, _ batches: [Batch], warmUp: Int = 3, warm: Int = 4)
  -> (allocations: Int64, losses: [Float]) {
  for i in 0..<warmUp { _ = try! step.step(batches[i % batches.count]) }
  var losses = [Float](repeating: .nan, count: warm)  // allocated before counting
  allocation_counter_start()
  for i in 0..<warm { losses[i] = (try? step.step(batches[(warmUp + i) % batches.count])) ?? .nan }
  let allocations = allocation_counter_stop()
  print("warm steps: \(allocations) allocations by the engine and Swift, \(allocation_counter_foreign()) by libdispatch or OpenBLAS")
  return (allocations, losses)
}

@Suite struct WarmStepAllocationTests {
  @Test func theCounterSeesAnAllocation() {
    try! #require(allocation_counter_available() == 1, "the allocation counter needs glibc")
    allocation_counter_start()
    let array = [Float](repeating: 1, count: 1000 + Int(allocation_counter_available()))
    let seen = allocation_counter_stop()
    #expect(array.count == 1001)
    #expect(seen >= 1, "a new array is a heap allocation")
  }

  /// Per-step allocations at most (see the file header): 6 parallel regions, their fallback.
  static let m1Bound: Int64 = 50
  /// Per-step allocations at most: ~54 parallel regions, their fallback, the model-side arrays.
  static let m3Bound: Int64 = 400

  @Test func warmM1StepAllocatesOnlyItsKnownFew() throws {
    try #require(allocation_counter_available() == 1, "the allocation counter needs glibc")
    let T = 12
    let schema = m1Schema(sequenceLength: T)
    var frn = FRNConfig()
    (frn.authorsAttention, frn.selfAttentionOutput, frn.attentionUnits, frn.heads) = (false, true, 32, 4)
    (frn.mainWidths, frn.biasWidths, frn.norm, frn.occasionDim) = ([32, 16], [16, 8], .layerNorm, 8)
    frn.poolingKeyProjection = false
    let model = try BaseCVRModel(plan: FeaturePlan(schema: schema), config: .init(frn: frn, outputWidths: [16, 8]),
                                 seed: 1)
    let optimizer = Adagrad(model.trainableParameters, learningRate: 0.01, initialAccumulatorValue: 0.1)
    let step = TrainingStep(model: model, optimizer: optimizer, seed: 1)
    let data = batches(schema: schema, rows: 256, count: 3, size: 32, seed: 5, sequenceLength: T)
    let (allocations, losses) = countedAllocations(step, data)
    #expect(losses.allSatisfy { $0.isFinite }, "\(losses)")
    #expect(allocations <= 4 * Self.m1Bound,
            "heap allocations in 4 warm M1 steps: \(allocations) (CVR_ALLOCATION_TRACE=N prints their stacks)")
  }

  @Test func warmM3StepAllocatesOnlyItsKnownFew() throws {
    try #require(allocation_counter_available() == 1, "the allocation counter needs glibc")
    let schema = m3Schema()
    let model = try M3ShapedModel(schema: schema, seed: 1)
    let optimizer = Adam(model.trainableParameters, learningRate: 1e-3, weightDecay: 1e-6)
    let step = TrainingStep(model: model, optimizer: optimizer, seed: 1)
    let data = batches(schema: schema, rows: 256, count: 3, size: 64, seed: 6)
    let (allocations, losses) = countedAllocations(step, data)
    #expect(losses.allSatisfy { $0.isFinite }, "\(losses)")
    #expect(allocations <= 4 * Self.m3Bound,
            "heap allocations in 4 warm M3 steps: \(allocations) (CVR_ALLOCATION_TRACE=N prints their stacks)")
  }
}

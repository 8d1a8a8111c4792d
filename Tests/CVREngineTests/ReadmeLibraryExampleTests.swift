// The library examples in README.md, compiled against `import CVREngine` alone
// and run, so the README cannot drift from the API and the umbrella module
// really exports what a user needs.
import CVREngine
import Foundation
import Testing

@Test func readmeEngineExampleRuns() throws {
  struct Batch { let itemIds: [Int32]; let y: [Float] }
  var data = SeededGenerator(seed: 1)
  let batches = (0..<3).map { _ in
    Batch(itemIds: (0..<256).map { _ in Int32(data.next() % 1000) }, y: (0..<256).map { _ in Float(data.next() % 2) })
  }
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-readme-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  let url = directory.appendingPathComponent("demo.ckpt")

  // From README.md, "Using it as a library" (the engine):
  var rng = SeededGenerator(seed: 7)
  let items = EmbeddingTable("item", vocab: 100_000, dim: 16, paddingId: 0, rng: &rng)
  let mlp = MLP(.init(widths: [16, 64, 1], batchNorm: true, dropout: 0.1), rng: &rng)
  let optimizer = Adagrad([items.parameter] + mlp.trainableParameters, learningRate: 0.01,
                          initialAccumulatorValue: 0.1)   // sparse rows for the table
  let tape = Tape(seed: 7)                         // records and trains: dropout, batch statistics
  for batch in batches {
    tape.reset()                                   // takes back the last step's memory
    let e = items.lookup(batch.itemIds, batch: 256, fields: 1, tape).reshaped([256, 16])
    let loss = tape.binaryCrossEntropyWithLogits(mlp(e, tape), labels: tape.constant(batch.y, [256, 1]))
    tape.backward(loss)                            // gradients accumulate in each Parameter
    _ = optimizer.clipGradientNorm(maxNorm: 5)
    optimizer.step()
    optimizer.zeroGrad()
  }
  try Checkpoint.save(to: url, kind: "demo", config: ["dim": 16], seed: 7, step: optimizer.stepCount,
                      parameters: [items.parameter] + mlp.parameters, optimizer: optimizer)

  #expect(try Checkpoint.verify(at: url).step == 3)
}

@Test func readmeModelExampleRuns() throws {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-readme-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }

  // From README.md, "Using it as a library" (a model of the table, trained and scored):
  let files = try DDFWorld.write(.tiny, seed: 5, to: directory)
  let schema = try DataSchema.load(from: files.schema)
  let store = try DataIngest.load(files.data, schema: schema, schemaDirectory: directory).store
  let splits = try DataSplits(store: store, train: DayRange(0, 20), recent: DayRange(14, 20), valid: DayRange(21, 27))
  let assembler = try BatchAssembler(
    store: store, normalizer: DenseNormalizer(store: store, rows: splits.rows(.train, space: .exposure)))
  let model = try ModelKinds.named("DCN")!.build!(
    ModelBuildRequest(name: "DCN", plan: FeaturePlan(schema: schema), preset: .demo, seed: 1))
  var config = TrainingConfig()
  (config.maxEpochs, config.batchSize, config.learningRate) = (2, 128, 1e-3)
  let trainer = Trainer(name: "DCN", makeOptimizer: Trainer.adam(weightDecay: 1e-6))
  let result = try trainer.fit(
    model: model, assembler: assembler, trainRows: splits.rows(.train, space: .click),
    validRows: splits.rows(.valid, space: .click), config: config)
  let scores = Scorer(assembler: assembler).scores(model, rows: splits.rows(.valid, space: .click))

  #expect(result.epochsRun >= 1 && result.trainLoss.allSatisfy(\.isFinite))
  #expect(scores.count == splits.rows(.valid, space: .click).count)
  #expect(scores.allSatisfy { $0 > 0 && $0 < 1 })
}

// Saved models come back identical: a network checkpoint and an XGBoost model
// with its sidecar score exactly as before; bad files and unknown kinds are clear errors.
import CVRCheckpoint
import CVRData
import CVRModels
import CVRServing
import CVRTestSupport
import CVRTraining
import CVRXGBoost
import Foundation
import Testing

@Suite struct ModelBundleTests {
  let fixture = TrainingFixture.shared

  @Test func aCheckpointRoundTripGivesIdenticalScores() throws {
    let model = try LogisticRegressionModel(plan: fixture.plan, config: .init(occasionDim: 3), seed: 11)
    var config = TrainingConfig()
    config.maxEpochs = 1
    _ = try Trainer(name: "LR").fit(model: model, assembler: fixture.assembler, trainRows: fixture.train(.train),
                                    validRows: [], config: config)
    let url = try scratchDirectory().appendingPathComponent("lr.ckpt")
    try ModelBundle.save(model, displayName: "LR-test", schema: fixture.schema, normalizer: fixture.normalizer,
                         seed: 11, to: url)
    let loaded = try ModelBundle.load(from: url)
    #expect(loaded.kind == "LR" && loaded.displayName == "LR-test")
    #expect(loaded.schema == fixture.schema && loaded.normalizer == fixture.normalizer)
    let reloaded = try #require(loaded.model as? LogisticRegressionModel)
    #expect(reloaded.config == model.config)
    let rows = fixture.splits.rows(.valid, space: .exposure)
    let before = Scoring.scores(model, assembler: fixture.assembler, rows: rows)
    let after = try loaded.scores(assembler: fixture.assembler, rows: rows)
    #expect(before == after)
    #expect(Set(before).count > 10)
  }

  @Test func anXGBoostRoundTripGivesIdenticalScores() throws {
    var parameters = XGBoostParameters()
    parameters.rounds = 5
    for encode in [false, true] {
      let predictor = try XGBoostRunner(parameters: parameters, targetEncode: encode)
        .train(assembler: fixture.assembler, rows: fixture.train(.train))
      let url = try scratchDirectory().appendingPathComponent("x.xgb")
      try ModelBundle.save(predictor, displayName: "XGBoost", schema: fixture.schema, normalizer: fixture.normalizer,
                           to: url)
      let loaded = try ModelBundle.load(from: url)
      #expect(loaded.kind == "XGBoost" && loaded.model == nil)
      let before = try predictor.scores(assembler: fixture.assembler, rows: fixture.valid)
      #expect(try loaded.scores(assembler: fixture.assembler, rows: fixture.valid) == before)
    }
  }

  @Test func targetEncodingIsOutOfFoldOnTheTrainingRows() throws {
    let rows = fixture.train(.train)
    let features = try XGBoostFeatures(assembler: fixture.assembler, trainRows: rows, targetEncode: true, folds: 5)
    let width = features.count
    let train = features.trainingMatrix(assembler: fixture.assembler)
    let full = features.matrix(assembler: fixture.assembler, rows: rows)
    #expect(train.count == rows.count * width && full.count == train.count)
    let raw = features.sparse.count + features.dense.count + (features.includeOccasion ? 1 : 0)
    // Ids, dense values and occasions agree; the rates differ (a row's own label is left out).
    var same = true, differs = false
    for r in 0..<rows.count {
      for j in 0..<raw where train[r * width + j] != full[r * width + j] { same = false }
      for j in raw..<width where train[r * width + j] != full[r * width + j] { differs = true }
    }
    #expect(same && differs)
    // Hand check of one id's full-data rate: (conversions + m·p̄) / (rows + m).
    let itemColumn = try #require(features.sparse.firstIndex { $0.name == "item_id" })
    let ids = try #require(fixture.store.ids["item_id"])
    let labels = try SplitMetrics.labels(fixture.store, rows: rows)
    let id = Int(ids[Int(rows[0])])
    var n = 0.0, c = 0.0
    for (row, label) in zip(rows, labels) where Int(ids[Int(row)]) == id {
      n += 1
      if label { c += 1 }
    }
    let expected = Float((c + 20 * features.prior) / (n + 20))
    #expect(abs(features.targetEncoding![itemColumn][id] - expected) < 1e-6)
  }

  @Test func unknownKindsAndForeignFilesAreClearErrors() throws {
    #expect(throws: ModelError.unknownKind("NoSuchModel")) {
      try ModelKinds.restore(kind: "NoSuchModel", configuration: .null, schema: fixture.schema)
    }
    let directory = try scratchDirectory()
    let text = directory.appendingPathComponent("notes.txt")
    try Data("hello".utf8).write(to: text)
    #expect(throws: ModelBundleError.self) { try ModelBundle.load(from: text) }
    #expect(throws: ModelBundleError.self) { try ModelBundle.load(from: directory.appendingPathComponent("missing")) }
    // A checkpoint of a kind the registry does not know.
    let url = directory.appendingPathComponent("scripted.ckpt")
    try ModelBundle.save(ScriptedModel(target: 0), displayName: "S", schema: fixture.schema,
                         normalizer: fixture.normalizer, seed: 0, to: url)
    #expect(throws: ModelError.unknownKind("Scripted")) { try ModelBundle.load(from: url) }
  }

  @Test func aFineTuningCopyStartsFromTheTrainedValues() throws {
    let model = try LogisticRegressionModel(plan: fixture.plan, seed: 4)
    model.output.weight.value[0] = 0.125
    let copy = try ModelKinds.copy(model, schema: fixture.schema)
    #expect(copy !== model)
    #expect(copy.parameters.map { $0.values() } == model.parameters.map { $0.values() })
    copy.parameters[0].value[0] += 1
    #expect(copy.parameters[0].value[0] != model.parameters[0].value[0])
  }
}

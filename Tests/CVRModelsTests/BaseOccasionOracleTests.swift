// BASE+occasion (BaseCVRConfig.occasionAtOutput): gradients through the one-hot at
// f_b's input against finite differences, the zero start (the occasion changes
// nothing until trained), a trained one-hot that does, and the checkpoint round trip.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRData
import CVRModels
import CVROptim
import CVRTestSupport
import Testing

@Suite struct BaseOccasionOracleTests {
  func oracle(seed: UInt64 = 11) throws -> BaseCVRModel {
    var config = tinyBaseConfig()
    config.frn.occasionDim = 0
    config.occasionAtOutput = true
    return try BaseCVRModel(plan: FeaturePlan(schema: ModelFixture.shared.schema), config: config, seed: seed)
  }

  @Test func gradientsMatchFiniteDifferences() throws {
    let model = try oracle()
    // Move the zero-initialised one-hot weights off 0 so their gradients reach everything.
    var rng = SeededGenerator(seed: 4)
    let first = model.output.layers[0]
    for r in 0..<first.outDim {
      for c in model.representationDim..<first.inDim { first.weight.value[r * first.inDim + c] = rng.nextNormal() * 0.5 }
    }
    let batch = ModelFixture.shared.batch(mixedRows(.train, count: 5))
    let dense = (model.frn.parameters + model.output.parameters).filter { $0.requiresGrad && !$0.isState }
    let result = checkGradients(dense, epsilon: 1e-3, kinkTolerance: 2e-3) { tape in model.baseLogit(batch, tape) }
    #expect(result.passed, "\(result)")
  }

  @Test func theOccasionChangesNothingUntilTrained() throws {
    let model = try oracle()
    #expect(model.occasionCount == (try FeaturePlan(schema: ModelFixture.shared.schema)).occasions.count && model.occasionCount > 1)
    let batch = ModelFixture.shared.batch(mixedRows(.train, count: 16))
    let tape = Tape(recording: false)
    let before = model.baseLogit(batch, tape).toArray()
    let saved = (0..<batch.count).map { batch.occasions[$0] }
    for i in 0..<batch.count { batch.occasions[i] = (saved[i] + 1) % Int32(model.occasionCount) }
    #expect(model.baseLogit(batch, tape).toArray() == before)
    // Trained, the one-hot's weights move and the same rows now score differently by occasion.
    for i in 0..<batch.count { batch.occasions[i] = saved[i] }
    let optimizer = Adagrad(model.trainableParameters, learningRate: 0.05)
    let train = Tape()
    for _ in 0..<20 { _ = trainStep(model, batch, train, optimizer) }
    let trained = model.baseLogit(batch, tape).toArray()
    for i in 0..<batch.count { batch.occasions[i] = (saved[i] + 1) % Int32(model.occasionCount) }
    let moved = model.baseLogit(batch, tape).toArray()
    for i in 0..<batch.count { batch.occasions[i] = saved[i] }
    #expect(zip(trained, moved).contains { abs($0 - $1) > 1e-4 })
  }

  @Test func checkpointRoundTripKeepsTheOption() throws {
    let model = try oracle()
    let url = try saveCheckpoint(model)
    let loaded = try BaseCVRModel(configuration: model.configuration, schema: ModelFixture.shared.schema)
    #expect(loaded.occasionCount == model.occasionCount)
    try Checkpoint.load(from: url, into: loaded.parameters, expecting: "BASE", config: model.configuration)
    let batch = ModelFixture.shared.batch(mixedRows(.train, count: 8))
    #expect(predictions(loaded, batch) == predictions(model, batch))
    // A configuration written before the option existed has no key: off.
    let plain = try tinyBase()
    guard case .object(var members) = plain.configuration else { Issue.record("configuration is not an object"); return }
    members["occasionAtOutput"] = nil
    #expect(try BaseCVRModel(configuration: .object(members), schema: ModelFixture.shared.schema).occasionCount == 0)
  }
}

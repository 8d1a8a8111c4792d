// BASE (MetaCVR §2.2, Eq. 2): gradients against finite differences, overfitting
// a small batch, the checkpoint round trip, the copy for BASE-F, and the freeze.
import CVRAutograd
import CVRCheckpoint
import CVRData
import CVRModels
import CVROptim
import CVRTestSupport
import Testing

@Suite struct BaseCVRModelTests {
  @Test func gradientsMatchFiniteDifferences() throws {
    let base = try tinyBase()
    let batch = ModelFixture.shared.batch(mixedRows(.train, count: 5))
    let dense = (base.frn.parameters + base.output.parameters).filter { $0.requiresGrad && !$0.isState }
    // The logit sums over samples, so a ReLU crossing of one sample moves the
    // slope only a little: a tight kink tolerance catches it (loose ones did not).
    let result = checkGradients(dense, epsilon: 1e-3, kinkTolerance: 2e-3) { tape in base.baseLogit(batch, tape) }
    #expect(result.passed, "\(result)")
    #expect(result.skippedAtKinks * 10 < result.checked, "too many kinks skipped: \(result)")
    let tables = base.embedder.parameters
    let rows = checkTableRows(tables) { tape in base.baseLogit(batch, tape) }
    #expect(rows.checked > 50 && rows.excess <= 0 && rows.skipped * 10 < rows.checked, "\(rows)")
  }

  @Test func lossIsTheMeanBinaryCrossEntropyOfTheBaseLogit() throws {
    let base = try tinyBase()
    let batch = ModelFixture.shared.batch(mixedRows(.train, count: 8))
    let tape = Tape(recording: false)
    let logits = base.baseLogit(batch, tape).toArray()
    let loss = base.loss(batch, tape).data[0]
    let expected = logLoss(logits.map { 1 / (1 + Float.exp(-$0)) }, batch)
    #expect(abs(Double(loss) - expected) < 1e-5)
  }

  @Test func overfitsASmallBatch() throws {
    let base = try tinyBase()
    let batch = ModelFixture.shared.batch(mixedRows(.train, count: 24))
    let before = logLoss(predictions(base, batch), batch)
    let optimizer = Adagrad(base.trainableParameters, learningRate: 0.05)
    let tape = Tape()
    for _ in 0..<150 { trainStep(base, batch, tape, optimizer) }
    let scores = predictions(base, batch)
    let after = logLoss(scores, batch)
    #expect(after < 0.1 * before, "log loss \(before) → \(after)")
    #expect(pairwiseAUC(scores, batch) == 1)
  }

  @Test func checkpointRoundTripGivesIdenticalPredictions() throws {
    let fixture = ModelFixture.shared
    let base = try tinyBase()
    let batch = fixture.batch(mixedRows(.train, count: 16))
    let optimizer = Adagrad(base.trainableParameters, learningRate: 0.05)
    let tape = Tape()
    for _ in 0..<3 { trainStep(base, batch, tape, optimizer) }
    let url = try saveCheckpoint(base)
    let loaded = try BaseCVRModel(configuration: base.configuration, schema: fixture.schema)
    #expect(predictions(loaded, batch) != predictions(base, batch))  // different init before the load
    try Checkpoint.load(from: url, into: loaded.parameters, expecting: "BASE", config: base.configuration)
    #expect(predictions(loaded, batch) == predictions(base, batch))
  }

  @Test func copyHasIdenticalValuesInSeparateParameters() throws {
    let base = try tinyBase()
    let batch = ModelFixture.shared.batch(mixedRows(.train, count: 16))
    let optimizer = Adagrad(base.trainableParameters, learningRate: 0.05)
    let tape = Tape()
    trainStep(base, batch, tape, optimizer)
    let clone = try base.copy()
    clone.displayName = "BASE-F"
    #expect(changedParameters(clone.parameters, since: snapshot(base.parameters)) == [])
    #expect(predictions(clone, batch) == predictions(base, batch))
    let original = snapshot(base.parameters)
    trainStep(clone, batch, tape, Adagrad(clone.trainableParameters, learningRate: 0.05))
    #expect(changedParameters(base.parameters, since: original) == [], "training the copy changed the original")
    #expect(!changedParameters(clone.parameters, since: original).isEmpty)
    #expect(base.displayName == "BASE")
  }

  @Test func freezingLeavesNothingToTrain() throws {
    let base = try tinyBase()
    base.setFrozen(true)
    #expect(base.trainableParameters.isEmpty)
    base.setFrozen(false)
    #expect(base.trainableParameters.count == base.parameters.filter { !$0.isState }.count)
  }
}

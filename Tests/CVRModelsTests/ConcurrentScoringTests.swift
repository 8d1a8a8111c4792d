// One model scored on two threads at once gives the scores of one thread: the
// inference mode travels with each scorer's tape, never with the model. Before
// the mode moved to the tape, `scoreCVR` flipped a flag on the shared model,
// so one thread's restore switched dropout back on under the other.
import CVRAutograd
import CVRData
import CVRModels
import Dispatch
import Foundation
import Testing

@Suite struct ConcurrentScoringTests {
  let fixture = ModelFixture.shared

  /// BASE with batch norm and heavy dropout: any training-mode pass changes its scores.
  func model() throws -> BaseCVRModel {
    var config = BaseCVRModel.Config.demo
    config.frn.batchNorm = true
    config.frn.dropout = 0.5
    config.outputBatchNorm = true
    config.outputDropout = 0.5
    return try BaseCVRModel(plan: FeaturePlan(schema: fixture.schema), config: config, seed: 3)
  }

  @Test func twoThreadsScoreLikeOne() throws {
    let model = try model()
    let rows = fixture.splits.rows(.valid, space: .click)
    let reference = Scorer(assembler: fixture.assembler, batchSize: 64).scores(model, rows: rows)
    let rounds = 8
    let buffer = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: 2 * rounds)
    buffer.initialize(repeating: [])
    defer { buffer.deallocate() }
    // The point of the test is sharing one model across threads; each thread writes its own slots.
    nonisolated(unsafe) let shared = model, results = buffer
    let assembler = fixture.assembler
    DispatchQueue.concurrentPerform(iterations: 2) { thread in
      let scorer = Scorer(assembler: assembler, batchSize: 64)
      for round in 0..<rounds { results[thread * rounds + round] = scorer.scores(shared, rows: rows) }
    }
    for (i, scores) in buffer.enumerated() {
      #expect(scores == reference, "thread \(i / rounds), round \(i % rounds) scored differently")
    }
  }

  @Test func scoringLeavesTheModelUntouched() throws {
    let model = try model()
    let before = model.parameters.map { $0.values() }
    _ = Scorer(assembler: fixture.assembler).scores(model, rows: fixture.splits.rows(.valid, space: .click))
    #expect(model.parameters.map { $0.values() } == before, "inference moved batch-norm statistics")
  }

  @Test func entireSpaceHeadsAgreeWithTheirProduct() throws {
    let model = try ESMMModel(plan: FeaturePlan(schema: fixture.schema), config: .demo, seed: 2)
    let rows = Array(fixture.splits.rows(.valid, space: .exposure).prefix(100))
    let heads = Scorer(assembler: fixture.assembler, batchSize: 32).predictions(model, rows: rows)
    let cvr = Scorer(assembler: fixture.assembler, batchSize: 32).scores(model, rows: rows)
    #expect(heads[.cvr]! == cvr, "the CVR head must be predictCVR's")
    for i in rows.indices {
      #expect(abs(heads[.ctcvr]![i] - heads[.ctr]![i] * heads[.cvr]![i]) <= 1e-7)
    }
    let base = try self.model()
    #expect(BaseCVRModel.modelKind.kind == "BASE" && base.heads == [.cvr])
  }
}

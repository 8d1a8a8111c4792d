// Resuming from a checkpoint with the real optimizers on a model with a sparse
// embedding table: Adagrad (sparse rows exact) and lazy Adam continue bit for
// bit as if never stopped, and the table's state rows round-trip.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVREmbedding
import CVRLayers
import CVROptim
import CVRTestSupport
import Foundation
import Testing

/// An embedding table feeding an MLP: ids [8, 2] → [8, 2·4] → [8, 1].
private final class TableModel {
  let table: EmbeddingTable
  let mlp: MLP
  var parameters: [Parameter] { [table.parameter] + mlp.parameters }

  init(seed: UInt64) {
    var rng = SeededGenerator(seed: seed)
    table = EmbeddingTable("items", vocab: 50, dim: 4, initializer: .normal(std: 0.1), rng: &rng)
    mlp = MLP(.init(widths: [8, 6, 1]), name: "mlp", rng: &rng)
  }

  func step(_ optimizer: any Optimizer, step: Int, tape: Tape) {
    var rng = SeededGenerator(seed: UInt64(100 + step))
    let ids = (0..<16).map { _ in Int32(rng.next() % 20) }  // 20 of 50 rows at most: many untouched
    let labels = (0..<8).map { _ in Float(rng.next() % 2) }
    tape.reset()
    let e = table.lookup(ids, batch: 8, fields: 2, tape).reshaped(Shape(8, 8))
    let loss = tape.binaryCrossEntropyWithLogits(mlp(e, tape), labels: tape.constant(labels, Shape(8, 1)))
    tape.backward(loss)
    optimizer.step()
    optimizer.zeroGrad()
  }
}

@Suite struct ResumeWithRealOptimizersTests {
  @Test(arguments: ["adagrad", "adam"])
  func resumedRunIsBitIdentical(_ kind: String) throws {
    func optimizer(for model: TableModel) -> any Optimizer {
      kind == "adagrad"
        ? Adagrad(model.parameters, learningRate: 0.05, initialAccumulatorValue: 0.1)
        : Adam(model.parameters, learningRate: 0.01)
    }
    let url = try scratchDirectory().appendingPathComponent("\(kind).ckpt")
    let (total, stop) = (8, 3)

    let reference = TableModel(seed: 1)
    let referenceOptimizer = optimizer(for: reference)
    let tape = Tape()
    for s in 0..<total { reference.step(referenceOptimizer, step: s, tape: tape) }

    let first = TableModel(seed: 1)
    let firstOptimizer = optimizer(for: first)
    for s in 0..<stop { first.step(firstOptimizer, step: s, tape: tape) }
    try Checkpoint.save(to: url, kind: "table-mlp", config: ["optimizer": kind], seed: 1, step: stop,
                        parameters: first.parameters, optimizer: firstOptimizer)

    let resumed = TableModel(seed: 2)
    let resumedOptimizer = optimizer(for: resumed)
    try Checkpoint.load(from: url, into: resumed.parameters, optimizer: resumedOptimizer,
                        expecting: "table-mlp", config: ["optimizer": kind])
    #expect(resumedOptimizer.stepCount == stop)
    for s in stop..<total { resumed.step(resumedOptimizer, step: s, tape: tape) }
    #expect(bits(resumed.parameters) == bits(reference.parameters), "\(kind): resumed run differs")
    let names = resumedOptimizer.stateTensors().map(\.name)
    #expect(names.contains { $0.hasSuffix("/items") }, "the table's optimizer state is checkpointed: \(names)")
  }
}

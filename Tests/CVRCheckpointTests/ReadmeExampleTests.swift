// The library example in README.md, compiled and run on synthetic batches, so
// the README cannot drift from the API.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVREmbedding
import CVRLayers
import CVROptim
import CVRTestSupport
import Foundation
import Testing

@Test func readmeLibraryExampleRuns() throws {
  struct Batch { let itemIds: [Int32]; let y: [Float] }
  var data = SeededGenerator(seed: 1)
  let batches = (0..<3).map { _ in
    Batch(itemIds: (0..<256).map { _ in Int32(data.next() % 1000) }, y: (0..<256).map { _ in Float(data.next() % 2) })
  }
  let url = try scratchDirectory().appendingPathComponent("demo.ckpt")

  // From README.md, "Using it as a library":
  var rng = SeededGenerator(seed: 7)
  let items = EmbeddingTable("item", vocab: 100_000, dim: 16, paddingId: 0, rng: &rng)
  let mlp = MLP(.init(widths: [16, 64, 1], batchNorm: true, dropout: 0.1), rng: &rng)
  let optimizer = Adagrad([items.parameter] + mlp.trainableParameters, learningRate: 0.01,
                          initialAccumulatorValue: 0.1)   // sparse rows for the table
  let tape = Tape(seed: 7)
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

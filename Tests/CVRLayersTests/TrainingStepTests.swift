// Whole training steps: a small MLP overfits a fixed batch; inference records
// nothing; a warm step allocates no new tensor buffers.
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers
import Testing

/// Plain SGD on every trainable parameter (optimizers proper live in their own module).
private func sgdStep(_ layer: some Layer, learningRate: Float) {
  for p in layer.trainableParameters {
    let g = p.grad
    for i in 0..<p.value.count { p.value[i] -= learningRate * g[i] }
    p.zeroGrad()
  }
}

/// A fixed batch: 32 samples of 5 features, labels from a random hyperplane.
private func fixedBatch() -> (x: [Float], y: [Float]) {
  var rng = SeededGenerator(seed: 42)
  let x = (0..<(32 * 5)).map { _ in rng.nextFloat(in: -1, 1) }
  let w: [Float] = [0.7, -1.2, 0.4, 2.0, -0.3]
  let y = (0..<32).map { i in (0..<5).reduce(Float(0)) { $0 + x[i * 5 + $1] * w[$1] } > 0.1 ? Float(1) : 0 }
  return (x, y)
}

@Suite struct TrainingStepTests {
  @Test func smallMLPOverfitsAFixedBatch() {
    var rng = SeededGenerator(seed: 1)
    let mlp = MLP(.init(widths: [5, 32, 16, 1], batchNorm: true), rng: &rng)
    let (x, y) = fixedBatch()
    let tape = Tape(seed: 1)
    var first: Float = 0, last: Float = 0
    for step in 0..<300 {
      tape.reset()
      let logits = mlp(tape.constant(x, Shape(32, 5)), tape)
      let loss = tape.binaryCrossEntropyWithLogits(logits, labels: tape.constant(y, Shape(32, 1)))
      if step == 0 { first = loss.scalar }
      last = loss.scalar
      tape.backward(loss)
      sgdStep(mlp, learningRate: 0.5)
    }
    #expect(first > 0.5, "starts near chance: \(first)")
    #expect(last < 0.02, "log loss after 300 steps: \(last)")
  }

  @Test func inferenceRecordsNothingAndKeepsNoGradients() {
    var rng = SeededGenerator(seed: 2)
    let mlp = MLP(.init(widths: [5, 8, 1], batchNorm: true, dropout: 0.5), rng: &rng)
    let tape = Tape(recording: false)
    #expect(!tape.isTraining)
    let out = mlp(tape.constant(fixedBatch().x, Shape(32, 5)), tape)
    #expect(tape.nodeCount == 0)
    #expect(!out.requiresGrad)
    #expect(mlp.parameters.allSatisfy { !$0.hasGrad })
  }

  @Test func warmStepsAllocateNoNewBuffers() {
    var rng = SeededGenerator(seed: 3)
    let mlp = MLP(.init(widths: [5, 64, 32, 1], batchNorm: true, dropout: 0.2), rng: &rng)
    let attention = AttentionPooling(.authors(queryDim: 5, keyDim: 5, heads: 1, units: 8), rng: &rng)
    let (x, y) = fixedBatch()
    let sequence = (0..<(32 * 7 * 5)).map { _ in rng.nextFloat(in: -1, 1) }
    let mask = (0..<(32 * 7)).map { i in i % 7 < 3 + i / 7 % 5 ? Float(1) : 0 }
    let tape = Tape(seed: 3)
    func step() {
      tape.reset()
      let keys = tape.constant(sequence, Shape(32, 7, 5))
      let pooled = attention(tape.constant(x, Shape(32, 5)), keys: keys, keyMask: tape.constant(mask, Shape(32, 7)), tape)
      let loss = tape.binaryCrossEntropyWithLogits(mlp(pooled, tape), labels: tape.constant(y, Shape(32, 1)))
      tape.backward(loss)
      sgdStep(mlp, learningRate: 0.01)
      sgdStep(attention, learningRate: 0.01)
    }
    step()
    step()
    let blocks = tape.arena.blockAllocations
    let bytes = tape.arena.bytesReserved
    for _ in 0..<5 { step() }
    #expect(blocks > 0)
    #expect(tape.arena.blockAllocations == blocks, "new arena blocks after warm-up")
    #expect(tape.arena.bytesReserved == bytes)
  }
}

// Finite-difference gradient checks for every layer, on small odd shapes.
import CVRAutograd
import CVRCore
import CVRKernels
import CVRLayers
import CVRTestSupport
import Testing

/// A tensor input as a parameter, so the checker perturbs it too.
private func input(_ shape: Shape, seed: UInt64) -> Parameter { randomParameter("input", shape, seed: seed) }

/// A key mask [batch, keyLen] that keeps the first `lengths[b]` keys of sample b.
private func keyMask(_ lengths: [Int], keyLen: Int, _ tape: Tape) -> Tensor {
  tape.constant(lengths.flatMap { n in (0..<keyLen).map { $0 < n ? 1 : 0 } }, Shape(lengths.count, keyLen))
}

@Suite struct LayerGradientTests {
  @Test func linear() {
    var rng = SeededGenerator(seed: 1)
    let layer = Linear(3, 17, rng: &rng)
    let x = input(Shape(5, 3), seed: 2)
    let result = checkGradients([x] + layer.parameters) { tape in layer(tape.param(x), tape) }
    #expect(result.passed, "\(result)")
  }

  @Test(arguments: [false, true])
  func mlp(batchNorm: Bool) {
    var rng = SeededGenerator(seed: 3)
    let mlp = MLP(.init(widths: [3, 17, 1], activation: .tanh, batchNorm: batchNorm, dropout: 0.3), rng: &rng)
    let x = input(Shape(7, 3), seed: 4)
    let result = checkGradients([x] + mlp.trainableParameters) { tape in mlp(tape.param(x), tape) }
    #expect(result.passed, "\(result)")
  }

  @Test func mlpInInferenceMode() {
    var rng = SeededGenerator(seed: 5)
    let mlp = MLP(.init(widths: [3, 5, 2], activation: .leakyRelu(slope: 0.1), batchNorm: true, dropout: 0.5), rng: &rng)
    let x = input(Shape(4, 3), seed: 6)
    let result = checkGradients([x] + mlp.trainableParameters) { tape in
      tape.withInferenceBehaviour { mlp(tape.param(x), tape) }
    }
    #expect(result.passed, "\(result)")
  }

  @Test func normalizationLayers() {
    let layerNorm = LayerNorm(17)
    let batchNorm = BatchNorm(17)
    var rng = SeededGenerator(seed: 7)
    layerNorm.gain!.fill { rng.nextFloat(in: 0.5, 1.5) }
    batchNorm.bias.fill { rng.nextFloat(in: -1, 1) }
    let x = input(Shape(3, 17), seed: 8)
    let params = [x] + layerNorm.parameters + batchNorm.trainableParameters
    let result = checkGradients(params) { tape in batchNorm(layerNorm(tape.param(x), tape), tape) }
    #expect(result.passed, "\(result)")
  }

  @Test(arguments: [false, true])
  func multiHeadAttention(authorsOptions: Bool) {
    var rng = SeededGenerator(seed: 9)
    let config: MultiHeadAttention.Config =
      authorsOptions
      ? .authors(queryDim: 6, keyDim: 5, heads: 2, units: 8)
      : .init(queryDim: 6, keyDim: 5, heads: 2, units: 4, outputProjection: 3)
    let mha = MultiHeadAttention(config, rng: &rng)
    let q = input(Shape(2, 3, 6), seed: 10)
    let k = input(Shape(2, 4, 5), seed: 11)
    let result = checkGradients([q, k] + mha.parameters, epsilon: 1e-3, kinkTolerance: 0.01) { tape in
      mha(tape.param(q), keys: tape.param(k), keyMask: keyMask([4, 2], keyLen: 4, tape), tape)
    }
    #expect(result.passed, "\(result)")
    #expect(result.skippedAtKinks * 10 < result.checked, "too many kinks skipped: \(result)")
  }

  @Test func attentionPooling() {
    var rng = SeededGenerator(seed: 12)
    let pool = AttentionPooling(.init(queryDim: 3, keyDim: 5, heads: 1, units: 4), rng: &rng)
    let q = input(Shape(3, 3), seed: 13)
    let k = input(Shape(3, 17, 5), seed: 14)
    let result = checkGradients([q, k] + pool.parameters) { tape in
      pool(tape.param(q), keys: tape.param(k), keyMask: keyMask([17, 1, 9], keyLen: 17, tape), tape)
    }
    #expect(result.passed, "\(result)")
  }

  @Test func crossNetwork() {
    var rng = SeededGenerator(seed: 15)
    let cross = CrossNetwork(dim: 5, depth: 3, rng: &rng)
    for b in cross.biases { b.fill { rng.nextFloat(in: -0.5, 0.5) } }
    let x = input(Shape(3, 5), seed: 16)
    let result = checkGradients([x] + cross.parameters) { tape in cross(tape.param(x), tape) }
    #expect(result.passed, "\(result)")
  }

  @Test func crossNetworkForwardByHand() {
    // One layer, d = 2: x1 = x0·(x0ᵀw) + b + x0.
    var rng = SeededGenerator(seed: 0)
    let cross = CrossNetwork(dim: 2, depth: 1, rng: &rng)
    _ = cross.weights[0].value.update(fromContentsOf: [0.5, -1] as [Float])
    _ = cross.biases[0].value.update(fromContentsOf: [0.25, 0.125] as [Float])
    let tape = Tape()
    let y = cross(tape.constant([2, 3], Shape(1, 2)), tape).toArray()
    // x0ᵀw = 1 − 3 = −2 → x0·(−2) = [−4, −6]; + b + x0 = [−1.75, −2.875].
    #expect(y == [-1.75, -2.875])
  }
}

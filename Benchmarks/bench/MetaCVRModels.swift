// The networks of workloads M1 and M2 (WORKLOADS.md), composed from the
// engine's FeatureEmbedder, FeatureRepresentationNetwork and MLP, with their
// Adagrad training steps and the inference pass.
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers
import CVRModels
import CVROptim
import CVRTraining

/// M1: MetaCVR's `BaseCVRModel`, p = σ(f_b(F(x))), F the FRN of WORKLOADS.md M1
/// (paper attention, 8 heads of 16, Q/K/V 96 → 128, W_O 128 → 128, user and target
/// attention projecting only their query, MainNet 424 → 256 → 128, BiasNet
/// 88 → 64 → 32, LayerNorm), f_b 160 → 128 → 64 → 1 with ReLU between; log loss;
/// Adagrad lr 0.01, initial accumulator 0.1, sparse-row updates of the tables.
final class M1Network {
  let model: BaseCVRModel
  /// The trainer's own step (no clipping, as the PyTorch reference).
  let training: TrainingStep
  var tape: Tape { training.tape }

  static var frnConfig: FRNConfig {
    var c = FRNConfig()
    (c.authorsAttention, c.selfAttentionOutput, c.attentionUnits, c.heads) = (false, true, 128, 8)
    (c.mainWidths, c.biasWidths, c.norm, c.occasionDim) = ([256, 128], [64, 32], .layerNorm, 8)
    c.poolingKeyProjection = false
    return c
  }

  init(schema: DataSchema, seed: UInt64) throws {
    model = try BaseCVRModel(plan: FeaturePlan(schema: schema),
                             config: .init(frn: Self.frnConfig, outputWidths: [128, 64]), seed: seed)
    training = TrainingStep(
      model: model, optimizer: Adagrad(model.trainableParameters, learningRate: 0.01, initialAccumulatorValue: 0.1),
      seed: 1)
  }

  var embedder: FeatureEmbedder { model.embedder }
  var frn: FeatureRepresentationNetwork { model.frn }
  var outputNet: MLP { model.output }

  /// F(x) [n, 160] and the logit f_b(F(x)) [n, 1].
  func forward(_ batch: Batch) -> (representation: Tensor, logit: Tensor) {
    let representation = model.representation(batch, tape)
    return (representation, model.baseLogit(representation: representation, tape))
  }

  /// One training step on `batch`: forward, log loss, backward, Adagrad; returns the loss.
  @discardableResult
  func trainStep(_ batch: Batch) -> Float { (try? training.step(batch)) ?? .nan }

  /// p = σ(logit) for every sample of `batch` into `out`, recording nothing.
  func predict(_ batch: Batch, into out: UnsafeMutablePointer<Float>) {
    model.scoreCVR(batch, tape, into: out)
  }
}

/// M2, MetaCVR's stage 2 on M1 frozen: F(x) and s_b = f_b(F(x)) forward only;
/// per occasion o, d_o(x, p) = ‖W_o(x − p)‖² + b_o (W_o 160 × 160), s_o = d(x, p⁺_o) − d(x, p⁻_o)
/// with fixed prototypes; EPN logit = w·[s_b; s_1 … s_4] + c; log loss; Adagrad
/// (lr 0.01, initial accumulator 0.1) on the W_o, b_o and the EPN only.
final class M2Network {
  let base: M1Network
  let occasions = 4
  let width: Int
  /// [occasion][class]: fixed class means, class 0 = negative, 1 = positive.
  let prototypes: UnsafeMutablePointer<Float>
  /// W_o [160, 160] and b_o [1, 1] per occasion.
  let metricWeights: [Parameter]
  let metricBiases: [Parameter]
  let ensemble: Linear
  let optimizer: Adagrad

  init(base: M1Network, seed: UInt64) {
    self.base = base
    width = base.frn.representationDim
    var rng = SeededGenerator(seed: seed)
    prototypes = .allocate(capacity: occasions * 2 * width)
    for i in 0..<(occasions * 2 * width) { prototypes[i] = rng.nextFloat(in: -1, 1) }
    let w = width
    metricWeights = (0..<occasions).map { Parameter("dmn.\($0).w", shape: Shape(w, w)) }
    for p in metricWeights { p.fill { rng.nextFloat(in: -1, 1) * (6 / Float(2 * w)).squareRoot() } }
    metricBiases = (0..<occasions).map { Parameter("dmn.\($0).b", shape: Shape(1, 1)) }
    ensemble = Linear(1 + occasions, 1, name: "epn", rng: &rng)
    for p in base.embedder.parameters + base.frn.parameters + base.outputNet.parameters { p.requiresGrad = false }
    optimizer = Adagrad(metricWeights + metricBiases + ensemble.parameters, learningRate: 0.01,
                        initialAccumulatorValue: 0.1)
  }

  deinit { prototypes.deallocate() }

  /// d_o(x, p) = ‖W_o(x − p)‖² + b_o per row: x [n, 160] → [n, 1].
  private func distance(_ x: Tensor, prototype: UnsafeMutablePointer<Float>, occasion o: Int, _ tape: Tape) -> Tensor {
    let diff = tape.sub(x, tape.input(prototype, Shape(1, width)))
    let projected = tape.matmul(diff, tape.param(metricWeights[o]), transposeB: true)
    let squared = tape.sum(tape.mul(projected, projected), axis: 1).reshaped(Shape(x.shape[0], 1))
    return tape.add(squared, tape.param(metricBiases[o]))
  }

  /// One stage-2 step on `batch`; returns the loss.
  @discardableResult
  func trainStep(_ batch: Batch) -> Float {
    let tape = base.tape
    tape.reset()
    optimizer.zeroGrad()
    let (x, sb) = tape.inference { base.forward(batch) }
    var scores = [sb]
    for o in 0..<occasions {
      let negative = distance(x, prototype: prototypes + (2 * o) * width, occasion: o, tape)
      let positive = distance(x, prototype: prototypes + (2 * o + 1) * width, occasion: o, tape)
      scores.append(tape.sub(positive, negative))
    }
    let logit = ensemble(tape.concat(scores, axis: 1), tape)
    let loss = tape.binaryCrossEntropyWithLogits(logit, labels: tape.input(batch.conversion, Shape(batch.count, 1)))
    tape.backward(loss)
    optimizer.step()
    return loss.data[0]
  }
}

/// M2 on the engine's own `MetaCVRModel` with SPDM (MetaCVR Eq. 4, d = xᵀW_o p + b_o),
/// the model `train-metacvr` trains: M1 frozen, 4 occasions × 2 fixed unit
/// prototypes of width 160, EPN over [s_b; s_1 … s_4]; Adagrad (lr 0.01, initial
/// accumulator 0.1) on W_o, b_o and the EPN. SPDM batches as F·(P W_oᵀ)ᵀ, far fewer
/// flops than the literal workload's ‖W_o(x − p)‖², so it is reported beside it.
final class MetaCVRStageTwo {
  let model: MetaCVRModel
  let training: TrainingStep

  init(base: M1Network, seed: UInt64) throws {
    let dim = base.model.representationDim
    let occasions = base.model.plan.occasions.count
    var rng = SeededGenerator(seed: seed)
    var values = (0..<(occasions * 2 * dim)).map { _ in rng.nextFloat(in: -1, 1) }
    for row in 0..<(occasions * 2) {
      let range = (row * dim)..<((row + 1) * dim)
      let norm = values[range].reduce(0) { $0 + $1 * $1 }.squareRoot()
      for i in range { values[i] /= norm }
    }
    let prototypes = Prototypes(occasions: occasions, dim: dim, values: values)
    model = try MetaCVRModel(base: base.model, prototypes: prototypes,
                             config: .init(base: base.model.config, metric: .spdm, occasions: occasions), seed: seed)
    training = TrainingStep(
      model: model, optimizer: Adagrad(model.trainableParameters, learningRate: 0.01, initialAccumulatorValue: 0.1),
      seed: 2)
  }

  /// One stage-2 step on `batch`; returns the loss.
  @discardableResult
  func trainStep(_ batch: Batch) -> Float { (try? training.step(batch)) ?? .nan }
}

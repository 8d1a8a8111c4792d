// MetaCVR (stage 2, §2.3–2.5): the frozen base model, per-occasion prototypes,
// the Distance Metric Network and the Ensemble Prediction Network.
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers

/// y = σ(f_e(s_b, merge(ŝ))), s_b = f_b(F(x)), s_occ = d(g, p⁺_occ) − d(g, p⁻_occ)
/// (MetaCVR Eq. 3–6; g = F(x) in the paper, f_b's hidden layer in the authors'
/// code, optionally centred; ŝ the normalised scores, merge the code's
/// `merge_type`, `Config` says each option's source), trained with log loss on
/// D_r (clicked rows) with FRN and f_b frozen.
///
/// The base model is frozen (`setFrozen(true)`) and always in inference mode
/// (batch-norm running statistics, no dropout), whatever the tape's mode; its
/// forward runs with the tape not recording, so F(x) and s_b enter the DMN and
/// EPN as constants: no node, gradient or saved activation for the FRN, which
/// makes stage 2 cost one inference pass plus the small DMN/EPN.
///
/// The prototypes are a state parameter (`prototypes`, [K, 2, D]): saved in and
/// restored from checkpoints, never trained. `parameters` = base + prototypes +
/// DMN + EPN, so one checkpoint restores everything; `trainableParameters` =
/// DMN + EPN only.
public final class MetaCVRModel: CVRModel {
  public let config: Config
  public let base: BaseCVRModel
  /// p_occ^± as a [K, 2, D] state parameter.
  public let prototypeParameter: Parameter
  /// μ [D], the mean of the DMN's layer over D_r's clicked rows, subtracted from
  /// every sample (`centering`; state, set with `setCenter`).
  public let centerParameter: Parameter?
  /// The prototypes (and the centre) as a child layer, so they take their place in `parameters`.
  private let prototypeHolder: StateHolder
  public let dmn: DistanceMetricNetwork
  /// Normalisation and merge of the occasion scores.
  public let merge: OccasionMergeNetwork
  public let epn: EnsemblePredictionNetwork
  public let kind = "MetaCVR"
  /// "MetaCVR-SPDM", "MetaCVR-NNDM", "MetaCVR-cosine", "MetaCVR-Euclidean" or "MetaCVR-mulrelanet".
  public var displayName: String
  public let trainingSpace = Space.click
  /// I for every bilinear W (identityDecay > 0 only), allocated once.
  private let identity: UnsafeMutablePointer<Float>?

  /// Wraps the trained `base` (which it freezes and switches to inference mode,
  /// so pass a model you no longer train) with `prototypes` computed from it
  /// (on `config.prototypeLayer`, centred on `center` when `config.centering`).
  ///
  /// Throws `ModelError.config` when `config.base` is not `base.config`, the
  /// occasion count does not match the plan, or the prototypes or centre have another shape.
  public init(base: BaseCVRModel, prototypes: Prototypes, config: Config, center: [Float]? = nil, seed: UInt64) throws {
    try config.check(plan: base.plan)
    guard config.base == base.config else {
      throw ModelError.config("MetaCVR's base configuration differs from the base model's")
    }
    let dim = config.metricDim(base: base)
    guard prototypes.occasions == config.occasions && prototypes.dim == dim && prototypes.episodes == config.episodes else {
      throw ModelError.config(
        "prototypes are [\(prototypes.occasions), 2, \(prototypes.episodes), \(prototypes.dim)], the model needs [\(config.occasions), 2, \(config.episodes), \(dim)]")
    }
    if let center, center.count != dim { throw ModelError.config("the centre has \(center.count) values, the layer \(dim)") }
    self.config = config
    self.base = base
    base.setFrozen(true)
    let shape = config.episodes == 1 ? Shape(config.occasions, 2, dim) : Shape(config.occasions, 2, config.episodes, dim)
    prototypeParameter = Parameter("prototypes", shape: shape, isState: true)
    _ = prototypeParameter.value.update(fromContentsOf: prototypes.values)
    if config.centering {
      let c = Parameter("dmn.center", shape: Shape(dim), isState: true)
      if let center { _ = c.value.update(fromContentsOf: center) }
      centerParameter = c
    } else {
      centerParameter = nil
    }
    prototypeHolder = StateHolder([prototypeParameter] + (centerParameter.map { [$0] } ?? []))
    // The DMN/EPN draw from their own stream, so their init does not depend on the base's.
    var rng = SeededGenerator(seed: seed &+ 0x6D65_7461)
    dmn = DistanceMetricNetwork(metric: config.metric, occasions: config.occasions, dim: dim,
                                hidden: config.nndmHidden, name: "dmn", rng: &rng)
    merge = OccasionMergeNetwork(merge: config.merge, normalization: config.scoreNormalization,
                                 occasions: config.occasions, inputDim: dim, hidden: config.mergeHidden, name: "dmn",
                                 rng: &rng)
    epn = EnsemblePredictionNetwork(inputs: merge.width, occasions: config.occasions, batchNorm: config.epnBatchNorm,
                                    initialOccasionWeight: config.initialOccasionWeight,
                                    occasionInput: config.occasionInput, name: "epn", rng: &rng)
    displayName = "MetaCVR-\(config.metric.displayName)"
    if config.identityDecay > 0, let weight = dmn.bilinearWeight {
      let eye = UnsafeMutablePointer<Float>.allocate(capacity: weight.value.count)
      eye.initialize(repeating: 0, count: weight.value.count)
      for m in 0..<(weight.value.count / (dim * dim)) { for j in 0..<dim { eye[(m * dim + j) * dim + j] = 1 } }
      identity = eye
    } else {
      identity = nil
    }
  }

  deinit { identity?.deallocate() }

  /// A fresh base model and zero prototypes for `plan`: the architecture to load a checkpoint into.
  public convenience init(plan: FeaturePlan, config: Config, seed: UInt64) throws {
    let base = try BaseCVRModel(plan: plan, config: config.base, seed: seed)
    let dim = config.prototypeLayer == .representation ? base.representationDim : (config.base.outputWidths.first ?? 0)
    let zeros = Prototypes(occasions: config.occasions, dim: dim, episodes: config.episodes,
                           values: [Float](repeating: 0, count: config.occasions * 2 * config.episodes * dim))
    try self.init(base: base, prototypes: zeros, config: config, seed: seed)
  }

  /// Rebuilds the architecture stored in a checkpoint's `configuration` for
  /// `schema`; every value (base, prototypes, DMN, EPN) comes from `Checkpoint.load`.
  public convenience init(configuration: JSONValue, schema: DataSchema) throws {
    try self.init(plan: FeaturePlan(schema: schema), config: configuration.decode(Config.self), seed: 0)
  }

  /// base, then the prototypes (and centre), DMN, merge and EPN (the checkpoint order).
  public var children: [any Layer] { [base, prototypeHolder, dmn, merge, epn] }

  public var configuration: JSONValue { (try? JSONValue(encoding: config)) ?? .null }

  /// The stored prototypes.
  public var prototypes: Prototypes {
    Prototypes(occasions: config.occasions, dim: prototypeParameter.shape.last, episodes: config.episodes,
               values: prototypeParameter.values())
  }

  /// Replaces the prototypes (same shape), e.g. recomputed on another support day.
  public func setPrototypes(_ prototypes: Prototypes) {
    precondition(prototypes.values.count == prototypeParameter.value.count,
                 "setPrototypes: [\(prototypes.occasions), 2, \(prototypes.dim)] for \(prototypeParameter.shape)")
    _ = prototypeParameter.value.update(fromContentsOf: prototypes.values)
  }

  /// F(x) [n, D] and s_b [n, 1] from the frozen base, as constants (not
  /// recorded, inference behaviour whatever the tape's mode).
  public func baseOutputs(_ batch: Batch, _ tape: Tape) -> (representation: Tensor, baseLogit: Tensor) {
    tape.inference {
      let f = base.representation(batch, tape)
      return (tape.stopGradient(f), tape.stopGradient(base.baseLogit(representation: f, tape)))
    }
  }

  /// g [n, D], the (centred) layer the DMN reads, and s_b [n, 1], as constants.
  public func metricInputs(_ batch: Batch, _ tape: Tape) -> (layer: Tensor, baseLogit: Tensor) {
    let (g, sb) = tape.inference { () -> (Tensor, Tensor) in
      let (g, sb) = base.metricLayer(batch, tape, layer: config.prototypeLayer)
      return (tape.stopGradient(g), tape.stopGradient(sb))
    }
    guard let centerParameter else { return (g, sb) }
    return (tape.sub(g, tape.input(centerParameter.value.baseAddress!, centerParameter.shape)), sb)
  }

  /// μ of the DMN's layer (`centering` only).
  public func setCenter(_ center: [Float]) {
    guard let centerParameter else { return }
    precondition(center.count == centerParameter.value.count, "setCenter: \(center.count) for \(centerParameter.shape)")
    _ = centerParameter.value.update(fromContentsOf: center)
  }

  /// s [n, K]: the DMN's raw s_occ = d⁺_occ − d⁻_occ for every occasion.
  public func occasionScores(_ batch: Batch, _ tape: Tape) -> Tensor {
    dmn(metricInputs(batch, tape).layer, prototypes: tape.param(prototypeParameter), episode: episodeOneHot(batch, tape),
        tape)
  }

  /// The episode of a sample on `day`: day − episodeFirstDay clamped to 0..<T (T = 1: always 0).
  public func episode(day: Int32) -> Int {
    min(max(Int(day) - config.episodeFirstDay, 0), config.episodes - 1)
  }

  /// One-hot [n, T] of the batch's episodes (nil without episodes), in the tape's arena.
  private func episodeOneHot(_ batch: Batch, _ tape: Tape) -> Tensor? {
    guard config.episodes > 1 else { return nil }
    let t = config.episodes
    let out = tape.zeros(Shape(batch.count, t))
    for i in 0..<batch.count { out.data[i * t + episode(day: batch.days[i])] = 1 }
    return out
  }

  /// Sets the `.standardize` statistics μ_occ, σ_occ of s_occ over `rows` at the
  /// current metric (before training: its start) [ours]. No-op for other normalisations.
  public func fitScoreStatistics(assembler: BatchAssembler, rows: [Int32], batchSize: Int = 1024) {
    guard config.scoreNormalization == .standardize, !rows.isEmpty else { return }
    let k = config.occasions
    var sum = [Double](repeating: 0, count: k), squares = sum
    let tape = Tape(recording: false)
    let batch = assembler.makeBatch(capacity: batchSize)
    assembler.forEachChunk(of: rows, in: batch) { batch, _ in
      tape.reset()
      let s = occasionScores(batch, tape)
      for i in 0..<batch.count {
        for o in 0..<k {
          let v = Double(s.data[i * k + o])
          sum[o] += v
          squares[o] += v * v
        }
      }
    }
    let n = Double(rows.count)
    let mean = sum.map { $0 / n }
    let std = zip(squares, mean).map { max($0 / n - $1 * $1, 0).squareRoot() }
    merge.setStatistics(mean: mean, std: std)
  }

  /// One-hot [n, K] of the batch's occasion codes (codes outside 0..<K: all zero), in the tape's arena.
  private func occasionOneHot(_ batch: Batch, _ tape: Tape) -> Tensor {
    let k = config.occasions
    let out = tape.zeros(Shape(batch.count, k))
    for i in 0..<batch.count {
      let code = Int(batch.occasions[i])
      if code >= 0 && code < k { out.data[i * k + code] = 1 }
    }
    return out
  }

  /// f_e(s_b, merge(ŝ)), the final logit. Shapes: batch of n → [n, 1].
  public func logit(_ batch: Batch, _ tape: Tape) -> Tensor {
    let (g, sb) = metricInputs(batch, tape)
    let raw = dmn(g, prototypes: tape.param(prototypeParameter), episode: episodeOneHot(batch, tape), tape)
    let s = merge.normalized(raw, tape)
    let m = merge.merged(s, layer: g, tape)
    switch config.occasionInput {
    case .none: return epn(baseLogit: sb, occasionScores: m, tape)
    case .offsets: return epn(baseLogit: sb, occasionScores: m, occasionOneHot: occasionOneHot(batch, tape), tape)
    case .ownScore:
      let own = tape.sum(tape.mul(s, occasionOneHot(batch, tape)), axis: 1).reshaped(Shape(batch.count, 1))
      return epn(baseLogit: sb, occasionScores: m, ownScore: own, tape)
    }
  }

  /// The mean weighted BCE of y against `batch.conversion` (Eq. 6 with Eq. 2's log
  /// loss), plus λ·Σ‖W − I‖²_F over the bilinear metric's weights when `identityDecay` > 0 [ours].
  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor {
    let bce = binaryLoss(logits: logit(batch, tape), batch, tape)
    guard let identity, let weight = dmn.bilinearWeight else { return bce }
    let gap = tape.sub(tape.param(weight), tape.input(identity, weight.shape))
    return tape.add(bce, tape.scale(tape.sum(tape.mul(gap, gap)), by: config.identityDecay))
  }

  /// y = σ(f_e(s_b, {s_occ})) per sample.
  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    writeProbabilities(logit(batch, tape), into: out)
  }
}

/// A layer that only holds state parameters (the prototypes, the centre), so they
/// take their place in the model's parameter order.
private final class StateHolder: Layer {
  let ownParameters: [Parameter]
  init(_ parameters: [Parameter]) { ownParameters = parameters }
}

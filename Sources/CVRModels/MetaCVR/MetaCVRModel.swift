// MetaCVR (stage 2, §2.3–2.5): the frozen base model, per-occasion prototypes,
// the Distance Metric Network and the Ensemble Prediction Network.
import CVRAutograd
import CVRCore
import CVRData
import CVRKernels
import CVRLayers

/// y = σ(f_e(s_b, {s_occ})), s_b = f_b(F(x)), s_occ = d(F(x), p⁺_occ) − d(F(x), p⁻_occ)
/// (MetaCVR Eq. 3–6), trained with log loss on D_r (clicked rows) with FRN and f_b frozen.
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
  /// The prototypes as a child layer, so they take their place in `parameters`.
  private let prototypeHolder: StateHolder
  public let dmn: DistanceMetricNetwork
  public let epn: EnsemblePredictionNetwork
  public let kind = "MetaCVR"
  /// "MetaCVR-SPDM", "MetaCVR-NNDM", "MetaCVR-cosine" or "MetaCVR-Euclidean".
  public var displayName: String
  public let trainingSpace = Space.click

  /// Wraps the trained `base` (which it freezes and switches to inference mode,
  /// so pass a model you no longer train) with `prototypes` computed from it.
  ///
  /// Throws `ModelError.config` when `config.base` is not `base.config`, the
  /// occasion count does not match the plan, or the prototypes have another shape.
  public init(base: BaseCVRModel, prototypes: Prototypes, config: Config, seed: UInt64) throws {
    try config.check(plan: base.plan)
    guard config.base == base.config else {
      throw ModelError.config("MetaCVR's base configuration differs from the base model's")
    }
    guard prototypes.occasions == config.occasions && prototypes.dim == base.representationDim else {
      throw ModelError.config(
        "prototypes are [\(prototypes.occasions), 2, \(prototypes.dim)], the model needs [\(config.occasions), 2, \(base.representationDim)]")
    }
    self.config = config
    self.base = base
    base.setFrozen(true)
    prototypeParameter = Parameter("prototypes", shape: Shape(config.occasions, 2, prototypes.dim), isState: true)
    _ = prototypeParameter.value.update(fromContentsOf: prototypes.values)
    prototypeHolder = StateHolder(prototypeParameter)
    // The DMN/EPN draw from their own stream, so their init does not depend on the base's.
    var rng = SeededGenerator(seed: seed &+ 0x6D65_7461)
    dmn = DistanceMetricNetwork(metric: config.metric, occasions: config.occasions, dim: prototypes.dim,
                                hidden: config.nndmHidden, name: "dmn", rng: &rng)
    epn = EnsemblePredictionNetwork(occasions: config.occasions, batchNorm: config.epnBatchNorm, name: "epn", rng: &rng)
    displayName = "MetaCVR-\(config.metric.displayName)"
  }

  /// A fresh base model and zero prototypes for `plan`: the architecture to load a checkpoint into.
  public convenience init(plan: FeaturePlan, config: Config, seed: UInt64) throws {
    let base = try BaseCVRModel(plan: plan, config: config.base, seed: seed)
    let zeros = Prototypes(occasions: config.occasions, dim: base.representationDim,
                           values: [Float](repeating: 0, count: config.occasions * 2 * base.representationDim))
    try self.init(base: base, prototypes: zeros, config: config, seed: seed)
  }

  /// Rebuilds the architecture stored in a checkpoint's `configuration` for
  /// `schema`; every value (base, prototypes, DMN, EPN) comes from `Checkpoint.load`.
  public convenience init(configuration: JSONValue, schema: DataSchema) throws {
    try self.init(plan: FeaturePlan(schema: schema), config: configuration.decode(Config.self), seed: 0)
  }

  /// base, then the prototypes, DMN and EPN (the checkpoint order).
  public var children: [any Layer] { [base, prototypeHolder, dmn, epn] }

  public var configuration: JSONValue { (try? JSONValue(encoding: config)) ?? .null }

  /// The stored prototypes.
  public var prototypes: Prototypes {
    Prototypes(occasions: config.occasions, dim: prototypeParameter.shape[2], values: prototypeParameter.values())
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

  /// s [n, K]: the DMN's s_occ = d⁺_occ − d⁻_occ for every occasion.
  public func occasionScores(_ batch: Batch, _ tape: Tape) -> Tensor {
    dmn(baseOutputs(batch, tape).representation, prototypes: tape.param(prototypeParameter), tape)
  }

  /// f_e(s_b, {s_occ}), the final logit. Shapes: batch of n → [n, 1].
  public func logit(_ batch: Batch, _ tape: Tape) -> Tensor {
    let (f, sb) = baseOutputs(batch, tape)
    let s = dmn(f, prototypes: tape.param(prototypeParameter), tape)
    return epn(baseLogit: sb, occasionScores: s, tape)
  }

  /// The mean weighted BCE of y against `batch.conversion` (Eq. 6 with Eq. 2's log loss).
  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor {
    binaryLoss(logits: logit(batch, tape), batch, tape)
  }

  /// y = σ(f_e(s_b, {s_occ})) per sample.
  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    writeProbabilities(logit(batch, tape), into: out)
  }
}

/// A layer that only holds state parameters (the prototypes), so they take
/// their place in the model's parameter order.
private final class StateHolder: Layer {
  let ownParameters: [Parameter]
  init(_ parameters: Parameter...) { ownParameters = parameters }
}

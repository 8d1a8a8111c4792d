// CTR, CVR and (for DR) imputation towers over one FlatEmbeddingTrunk, trained on
// L = λ_ctr L_CTR + λ_c (L_CVR + λ_imp L_IMP) + λ_g L_CTCVR: the shared body of
// MTL-IPS/DR (λ_g = 0), ESCM²-IPS/DR and the towers AECM adds its discriminators to.
import CVRAutograd
import CVRCore
import CVRData
import CVREstimators
import CVRKernels
import CVRLayers

/// The sizes and loss weights of a `CausalMultiTaskModel`.
public struct CausalMultiTaskConfig: Codable, Equatable, Sendable {
  /// Every tower's widths (CTR, CVR, imputation).
  public var towers = FlatTowerConfig.paper
  /// λ_ctr on L_CTR = (1/N) Σ w BCE(o, pCTR).
  public var ctrWeight: Float = 1
  /// λ_c on the debiased L_CVR (and on L_IMP with it).
  public var cvrWeight: Float = 1
  /// λ_imp on L_IMP inside the CVR term (DR only).
  public var imputationWeight: Float = 1
  /// λ_g on L_CTCVR = (1/N) Σ w BCE(o·r, pCTR·pCVR) (ESCM²'s global risk; 0 = none).
  public var ctcvrWeight: Float = 0
  /// Floor of the propensity clip (`PropensityClip`; the family's default 0.05).
  public var propensityFloor = 0.05
  /// What the imputation tower's output stands for (DR only).
  public var imputedError = ImputedError.direct

  public init() {}

  /// `check` of the towers plus finite, non-negative weights.
  func check() throws {
    try towers.check()
    try checkLossWeights(["ctrWeight": ctrWeight, "cvrWeight": cvrWeight, "imputationWeight": imputationWeight,
                          "ctcvrWeight": ctcvrWeight])
  }
}

/// The towers and the loss shared by the causal multi-task baselines (MTL-IPS/DR,
/// ESCM²-IPS/DR; each kind's file cites its paper and fixes its defaults).
///
/// - x = FlatEmbeddingTrunk(batch) [n, inputDim]; z_ctr, z_cvr, z_imp = FlatTower(x) [n].
/// - pCTR = σ(z_ctr), pCVR = σ(z_cvr), pCTCVR = pCTR·pCVR (in log space, `LogProbability`).
/// - L = λ_ctr L_CTR + λ_c (L_CVR + λ_imp L_IMP) + λ_g L_CTCVR over every exposure, with
///   L_CVR and L_IMP from `causalCVRLoss` (IPS or DR, propensity = detached clipped pCTR).
/// - `predictCVR` returns pCVR.
public final class CausalMultiTaskModel: HoldsDetachedInputs, FlatCTRCVRModel {
  /// The loss terms before weighting, each a scalar.
  public struct Terms {
    public var ctr: Tensor
    public var cvr: Tensor
    public var imputation: Tensor?
    public var ctcvr: Tensor
  }

  /// The towers' outputs for a batch.
  public struct Logits {
    /// x [n, inputDim], the shared input of every tower.
    public var features: Tensor
    public var ctr: Tensor
    public var cvr: Tensor
    public var imputation: Tensor?
    /// The CVR tower's last hidden layer [n, hiddenDim] (AECM's task-level discriminator reads it).
    public var cvrHidden: Tensor
  }

  public let kind: String
  public var displayName: String
  public let method: CVRDebiasing
  public let config: CausalMultiTaskConfig
  public let configuration: JSONValue
  public let trunk: FlatEmbeddingTrunk
  public let ctr: FlatTower
  public let cvr: FlatTower
  /// The imputation tower (DR only).
  public let imputation: FlatTower?
  let clip: PropensityClip
  public var trainingSpace: Space { .exposure }

  /// - Throws: `ModelError.config` for bad sizes, weights or clip floor; `.schema` for a plan without user or item features.
  public init(kind: String, method: CVRDebiasing, plan: FeaturePlan, config: CausalMultiTaskConfig, seed: UInt64) throws {
    try config.check()
    clip = try propensityClip(floor: config.propensityFloor)
    var rng = SeededGenerator(seed: seed)
    self.kind = kind
    displayName = kind
    self.method = method
    self.config = config
    configuration = try JSONValue(encoding: config)
    trunk = try FlatEmbeddingTrunk(plan: plan, rng: &rng)
    ctr = FlatTower(name: "ctr", inputDim: trunk.inputDim, config: config.towers, rng: &rng)
    cvr = FlatTower(name: "cvr", inputDim: trunk.inputDim, config: config.towers, rng: &rng)
    imputation = method == .dr ? FlatTower(name: "imputation", inputDim: trunk.inputDim, config: config.towers, rng: &rng) : nil
  }

  public var children: [any Layer] { [trunk, ctr, cvr] + (imputation.map { [$0] } ?? []) }

  public func logits(_ batch: Batch, _ tape: Tape) -> Logits {
    let x = trunk(batch, tape)
    let h = cvr.hidden(x, tape)
    return Logits(features: x, ctr: ctr(x, tape), cvr: cvr.logit(hidden: h, tape), imputation: imputation?(x, tape),
                  cvrHidden: h)
  }

  /// The unweighted terms for logits `z` (so AECM can add to them); the propensity is
  /// σ(z_ctr) detached, or `held`'s.
  public func terms(_ z: Logits, _ labels: ExposureLabels, _ tape: Tape, holding held: HeldInputs? = nil) -> Terms {
    let pCTR = LogProbability.sigmoid(z.ctr, tape), pCVR = LogProbability.sigmoid(z.cvr, tape)
    let (cvrLoss, imputationLoss) = causalCVRLoss(
      method, cvr: pCVR, imputationLogits: z.imputation, imputedError: config.imputedError, labels: labels,
      propensity: held?.propensityTensor(tape) ?? clickPropensity(ctrLogits: z.ctr, tape), clip: clip,
      heldCVRLogits: HeldInputs.constant(held?.cvrLogits, tape),
      heldImputationLogits: HeldInputs.constant(held?.imputationLogits, tape), tape)
    return Terms(ctr: pCTR.crossEntropy(labels: labels.click, weights: labels.weight, tape), cvr: cvrLoss,
                 imputation: imputationLoss,
                 ctcvr: pCTR.times(pCVR, tape).crossEntropy(labels: labels.clickConversion, weights: labels.weight, tape))
  }

  /// λ_ctr L_CTR + λ_c (L_CVR + λ_imp L_IMP) + λ_g L_CTCVR.
  public func combine(_ t: Terms, _ tape: Tape) -> Tensor {
    var cvrTerm = t.cvr
    if let imp = t.imputation { cvrTerm = tape.add(cvrTerm, tape.scale(imp, by: config.imputationWeight)) }
    var total = tape.add(tape.scale(t.ctr, by: config.ctrWeight), tape.scale(cvrTerm, by: config.cvrWeight))
    if config.ctcvrWeight != 0 { total = tape.add(total, tape.scale(t.ctcvr, by: config.ctcvrWeight)) }
    return total
  }

  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor { loss(batch, tape, holding: nil) }

  public func loss(_ batch: Batch, _ tape: Tape, holding held: HeldInputs?) -> Tensor {
    combine(terms(logits(batch, tape), ExposureLabels(batch, tape), tape, holding: held), tape)
  }

  public func heldInputs(_ batch: Batch) -> HeldInputs {
    let tape = Tape(recording: false)
    return tape.inference {
      let z = logits(batch, tape)
      return HeldInputs(propensity: (0..<batch.count).map { FastMath.sigmoid(z.ctr.data[$0]) },
                        cvrLogits: z.cvr.toArray(), imputationLogits: z.imputation?.toArray())
    }
  }
  // predict and predictCVR: FlatCTRCVRModel's.
}

extension CausalMultiTaskModel {
  /// A table entry for kind `name` debiased by `method`, with `defaults(towers)` as the
  /// paper and demo presets (MTL-IPS/DR, ESCM²-IPS/DR).
  static func modelKind(_ name: String, _ method: CVRDebiasing,
                        defaults: @escaping @Sendable (FlatTowerConfig) -> CausalMultiTaskConfig) -> ModelKind {
    ModelKind.network(kind: name, paper: defaults(.paper), demo: defaults(.demo)) {
      try CausalMultiTaskModel(kind: name, method: method, plan: $0, config: $1, seed: $2)
    }
  }
}

// EGEAN's configuration: the variant (DR or PVDR), the three parts the ablations
// switch off, and every size, weight and reconstruction choice, with the
// paper's (or workload M3's) value as the default.
import CVRAutograd
import CVRCore
import CVREstimators

extension EGEANModel {
  /// The CVR estimator of the variant (EGEAN Table 2: EGEAN+DR, EGEAN+PVDR).
  public enum CVREstimator: String, Codable, Equatable, Sendable {
    case dr, pvdr
  }

  /// The MMD kernel (RECONSTRUCTION, see `EGEANModel`): `single` Gaussian
  /// (workload M3), `multi` = 5 bandwidths (seeds-code.md §2.5).
  public enum MMDBandwidth: String, Codable, Equatable, Sendable {
    case single, multi

    /// The kernel, with σ̄ fixed at `bandwidth` when > 0.
    func kernel(bandwidth: Float) -> MMDKernel {
      MMDKernel(scales: (self == .single ? MMDKernel.single : .multiBandwidth).scales,
                bandwidth: bandwidth > 0 ? bandwidth : nil)
    }
  }

  /// What the CVR losses divide by (RECONSTRUCTION, see `EGEANModel`).
  public enum PropensitySource: String, Codable, Equatable, Sendable {
    /// p̂ = pCTR, detached (the EGEAN family contract; ESCM², MTL-DR).
    case ctr
    /// p̂ = pCTR · q(u, i), the frozen exposure probability of the real pair, both detached (workload M3).
    case ctrTimesExposure
  }

  /// Every key of `model_options.EGEAN` (camelCase); missing keys keep these defaults.
  public struct Config: Codable, Equatable, Sendable {
    /// dr | pvdr. Default pvdr: the paper's full model (EGEAN+PVDR, "Ours").
    public var estimator = CVREstimator.pvdr
    /// false = ablation w/o EN: no pre-training, the shared table trained jointly.
    public var exposureTask = true
    /// false = ablation w/o TPN: no LoRA, EPNet, PPNet (towers read the shared embedding).
    public var taskPersonalisation = true
    /// false = ablation w/o ML: no MMD term.
    public var metricLearning = true

    /// The CTR, CVR and imputation towers (M3: 256 → 128 → 64 → 1).
    public var towers = FlatTowerConfig.paper
    /// The pre-training model's architecture (its MLP is kept, frozen, only for
    /// `propensity: ctrTimesExposure`; must equal the pre-trained model's config).
    public var exposure = ExposurePretrainModel.Config.paper

    /// LoRA rank r per table and task (M3: 4).
    public var loraRank = 4
    /// LoRA α; the update is scaled by α/r (α = r: scale 1, M3's e + A[id]·B).
    public var loraAlpha: Float = 4
    /// Std of B's N(0, std²) init (PEFT's embedding default 1); A starts at 0.
    public var loraInitStd: Float = 1
    /// Width of the learned task-id embedding, the gates' task-side prior.
    public var taskEmbeddingDim = 8
    /// γ of every Gate NU (PEPNet, EGEAN §2.1.2: 2), gates in (0, γ).
    public var gateGamma: Float = 2
    /// EPNet's hidden width (0: the embedding width D, M3's 200 → 200 → 200).
    public var epnetHidden = 0

    /// Weight of the MMD² term (M3: 0.1).
    public var mmdWeight: Float = 0.1
    public var mmdKernel = MMDBandwidth.single
    /// 0: σ̄ from the batch (the detached mean pairwise squared distance); > 0: this fixed σ̄.
    public var mmdBandwidth: Float = 0

    public var ctrWeight: Float = 1
    public var ctcvrWeight: Float = 1
    public var cvrWeight: Float = 1
    public var imputationWeight: Float = 1
    /// PVDR's λ as a `PVDRLambdaRule` (RECONSTRUCTION): a constant ("0.5", the default,
    /// as `cvr debias train`), "inverse:C" (λ = min(1, C/p̂)) or steps in p̂
    /// ("p<0.1:1,else:0.5"), p̂ the clipped propensity: the "parameter varying" reading.
    public var pvdrLambda = "0.5"
    /// η of PVDR's steady-state penalty (`pvdrImputationLoss`).
    public var steadyStatePenalty: Float = 1
    /// What the imputation tower's logit stands for (RECONSTRUCTION, `ImputedError`):
    /// `label` (default), ê = CE(r̃, pCVR) with r̃ = σ(z_imp), Wang et al. ICML 2019's DR-JL
    /// code; or `direct`, ê = softplus(z_imp), the error itself (Multi-DR, ESCM²-DR).
    /// `label` is the default because with `direct` ê reads sg(o_cvr) and is a constant
    /// for every parameter the prediction has: the λ·ê and ê terms of DR and PVDR then
    /// send no gradient to the CVR task, DR trains it exactly as IPS and PVDR exactly as
    /// DR (the selection-bias demo gave bit-identical EGEAN+DR and EGEAN+PVDR metrics).
    /// With `label`, the (1 − o/p̂)·λ·CE(r̃, pCVR) terms train the CVR tower on unclicked rows.
    public var imputedError = ImputedError.label
    public var propensity = PropensitySource.ctr
    /// Floor of the propensity clip (`PropensityClip`, default 0.05), ceiling 1.
    public var propensityFloor: Double = 0.05

    public init() {}

    /// The paper's and M3's sizes.
    public static let paper = Config()
    /// The small simulated worlds': towers 64 → 32, exposure MLP 64 → 32.
    public static var demo: Config {
      var c = Config()
      c.towers = .demo
      c.exposure = .demo
      return c
    }

    /// "EGEAN+PVDR", "EGEAN+DR"; an ablation of the full model is "EGEAN w/o EN"
    /// (Table 3's names), of the DR variant "EGEAN+DR w/o EN"; several ablations chain.
    public var displayName: String {
      let ablated = !exposureTask || !taskPersonalisation || !metricLearning
      var name = estimator == .pvdr ? (ablated ? "EGEAN" : "EGEAN+PVDR") : "EGEAN+DR"
      if !exposureTask { name += " w/o EN" }
      if !taskPersonalisation { name += " w/o TPN" }
      if !metricLearning { name += " w/o ML" }
      return name
    }

    /// `pvdrLambda` parsed. - Throws: `ModelError.config` naming the key and what is wrong.
    func lambdaRule() throws -> PVDRLambdaRule {
      do { return try PVDRLambdaRule(parsing: pvdrLambda) } catch {
        throw ModelError.config("pvdrLambda '\(pvdrLambda)': \(error)")
      }
    }

    func check() throws {
      try towers.check()
      try exposure.check()
      guard loraRank >= 1, loraAlpha > 0, loraInitStd >= 0 else {
        throw ModelError.config("loraRank must be ≥ 1 and loraAlpha > 0, loraInitStd ≥ 0")
      }
      guard taskEmbeddingDim >= 1, gateGamma > 0, epnetHidden >= 0 else {
        throw ModelError.config("taskEmbeddingDim must be ≥ 1, gateGamma > 0, epnetHidden ≥ 0")
      }
      for (name, w) in [("mmdWeight", mmdWeight), ("mmdBandwidth", mmdBandwidth), ("ctrWeight", ctrWeight), ("ctcvrWeight", ctcvrWeight),
                        ("cvrWeight", cvrWeight), ("imputationWeight", imputationWeight),
                        ("steadyStatePenalty", steadyStatePenalty)] where !(w >= 0 && w.isFinite) {
        throw ModelError.config("\(name) must be a finite number ≥ 0, got \(w)")
      }
      _ = try lambdaRule()
      guard propensityFloor > 0 && propensityFloor <= 1 else {
        throw ModelError.config("propensityFloor must lie in (0, 1], got \(propensityFloor)")
      }
      guard propensity == .ctr || exposureTask else {
        throw ModelError.config("propensity ctrTimesExposure needs the exposure task (exposureTask: true)")
      }
    }
  }
}

// EGEAN (Exposure-Guided Embedding Alignment Network, arXiv 2412.06852): the
// exposure-pre-trained embedding, frozen and adapted per task by LoRA, EPNet and
// PPNet gates, CTR/CVR/imputation towers, MMD alignment; the architecture.
import CVRAutograd
import CVRCore
import CVRData
import CVREstimators
import CVRKernels
import CVRLayers

/// EGEAN (§2.1–2.2) on the EGEAN family's `FlatEmbeddingTrunk` (x = [e_u; e_i; e_ui; e_c], width D).
///
/// Forward, for task t ∈ {CTR, CVR} (§2.1.2; PEPNet Chang et al. KDD 2023):
/// - shared: x = trunk(batch) from the exposure-pre-trained table, frozen (§2.1.2
///   "W0 is frozen and does not receive gradients");
/// - LoRA: x_t = x + Δ_t, Δ_t the task's low-rank update (α/r)·A_t[id]·B_t per field
///   (`TaskLoRA`; A_t zero at init, so x_t = x exactly);
/// - EPNet: o_t = δ_t ⊗ x_t, δ_t = GateNU_ep([τ_t; sg(x_t)]) ∈ (0, γ)^D (Eq. 2–3), one
///   Gate NU shared by both tasks, told apart by the learned task-id embedding τ_t
///   ("task-side features … including task ID");
/// - towers: z_t = Tower_t(o_t) with a PPNet gate GateNU([τ_t; sg(o_t)]) on every
///   hidden layer (Eq. 4–5, `EGEANTower`); the imputation tower reads sg(o_cvr) with
///   its own task id and gates;
/// - pCTR = σ(z_ctr), pCVR = σ(z_cvr), pCTCVR = pCTR · pCVR; the imputed error
///   ê = CE(r̃, pCVR) with r̃ = σ(z_imp) (`imputedError: label`, the default) or
///   ê = softplus(z_imp) ≥ 0 (`direct`); see `Config.imputedError` for why.
///
/// Loss (`lossTerms`, seeds-code.md §2.7, RECONSTRUCTION of the weights):
///   L = w_ctr BCE(pCTR, o) + w_ctcvr BCE(pCTR·pCVR, o·r) + w_cvr L_CVR + w_imp L_imp + w_mmd MMD²(o_cvr, x),
/// BCEs means over the batch with sample weights (as ESMM), o = click, r = conversion
/// (0 unclicked), e_i = CE(r_i, pCVR_i) per exposure, p̂ = clip(pCTR) detached:
/// - DR: L_CVR = `drLoss` (1/N) Σ [ê + o(e − ê)/p̂] with ê detached, L_imp = `imputationLoss(.drJL)`
///   (1/N) Σ o(e − ê)²/p̂ with e detached (DR-JL, Wang et al. ICML 2019, trained jointly in one
///   step, the prediction and imputation seeing only their own term);
/// - PVDR (RECONSTRUCTION, EGEAN Eq. 10–13 blank in our copy, seeds-code.md §2.6):
///   L_CVR = `pvdrLoss` (1/N) Σ [λê + o(e − λê)/p̂], λ = `pvdrLambda` (a constant or a
///   `PVDRLambdaRule` of p̂); L_imp =
///   `pvdrImputationLoss`, the DR-JL fit plus η·[(1/N) Σ o(e − λê)/p̂]², the
///   steady-state control condition (Eq. 11) as a penalty (as StableDR's public code does).
/// - MMD² (§2.1.3 Eq. 6; Gretton et al. 2012's biased estimator) between the CVR
///   tower's input o_cvr and the shared embedding x of the same batch, Gaussian kernel
///   at the detached mean pairwise squared distance (RECONSTRUCTION: `single`, M3's,
///   is the default, being the cheaper and the workload's; `multi`, 5 bandwidths
///   σ̄·2^(q−2), is the DAN/EVI choice of seeds-code.md §2.5). Alternative reading
///   not built: clicked vs unclicked rows' CVR embeddings.
///
/// Other RECONSTRUCTIONS, with the alternatives:
/// - the propensity: pCTR (default: the family contract, what MTL-DR and ESCM² divide by)
///   or pCTR · q(u, i), the frozen exposure probability (M3; `propensity: ctrTimesExposure`).
///   On logged data every row is an exposure, so q ≈ 1 after pre-training and the
///   product mostly adds noise; the option exists for the workload.
/// - EPNet's input sg(x_t) (M3: "the stop-gradient of the task embedding") rather than
///   sg(x); both are the frozen table's values at init. The gate scales the adapted x_t.
/// - the exposure task is not in this model's loss: it is the pre-training phase
///   (`ExposurePretrainModel`, EGEAN §2.1.2 "after the pretraining phase"); with the
///   table frozen its loss could only move its own MLP. M3's benchmark sums both.
/// - the imputation tower reads sg(o_cvr): its loss trains it alone (DR-JL's separate
///   imputation model), not the CVR task's LoRA and gates.
///
/// Ablations (Table 3), config keys: `exposureTask: false` (w/o EN) builds the table
/// fresh and trains it jointly, LoRA and gates on top; `taskPersonalisation: false`
/// (w/o TPN) drops LoRA, EPNet, PPNet and the MMD (no task embedding is left to
/// align: o_cvr = x); `metricLearning: false` (w/o ML) drops the MMD term.
///
/// Parameters: the shared table (frozen with the exposure task, and saved in the
/// checkpoint like any other: `parameters` lists it, `trainableParameters` does not),
/// the frozen exposure MLP with `ctrTimesExposure`, τ, LoRA A/B, EPNet, towers, gates.
/// Reads: every feature block but the sequence, `click`, `conversion`, `weight`.
public final class EGEANModel: CVRModel {
  /// Task ids of the learned task embedding τ.
  public enum Task: Int, Sendable {
    case ctr = 0, cvr = 1, imputation = 2
  }

  public let kind = "EGEAN"
  public var displayName: String
  public let config: Config
  public let plan: FeaturePlan
  public let trunk: FlatEmbeddingTrunk
  /// The frozen exposure MLP (only with `propensity: ctrTimesExposure`).
  public let exposureMLP: MLP?
  /// τ [3, taskEmbeddingDim] (nil without task personalisation).
  public let taskEmbedding: Parameter?
  let ctrLoRA: TaskLoRA?
  let cvrLoRA: TaskLoRA?
  /// EPNet's Gate NU (nil without task personalisation).
  public let epnet: GateNU?
  public let ctrTower: EGEANTower
  public let cvrTower: EGEANTower
  public let imputationTower: EGEANTower
  let clip: PropensityClip
  /// λ of PVDR, from `config.pvdrLambda`.
  let lambda: PVDRLambda
  public var trainingSpace: Space { .exposure }
  public var heads: [PredictionHead] { [.ctr, .cvr, .ctcvr] }
  public var configuration: JSONValue { (try? JSONValue(encoding: config)) ?? .null }

  /// The architecture for `plan`, every value drawn from `seed`: the w/o EN model to
  /// train (its table trainable), or a model to load a checkpoint into. With
  /// `exposureTask` the table is frozen here and its values must come from a
  /// pre-trained model (`init(pretrained:config:seed:)`) or a checkpoint.
  ///
  /// - Throws: `ModelError.config` for bad options, `.schema` without user or item features.
  public init(plan: FeaturePlan, config: Config, seed: UInt64) throws {
    try config.check()
    self.config = config
    self.plan = plan
    displayName = config.displayName
    clip = try PropensityClip(floor: config.propensityFloor)
    lambda = try config.lambdaRule().lambda
    var rng = SeededGenerator(seed: seed)
    let trunk = try FlatEmbeddingTrunk(plan: plan, rng: &rng)
    self.trunk = trunk
    let d = trunk.inputDim
    if config.propensity == .ctrTimesExposure {
      let mlp = ExposurePretrainModel.makeMLP(config.exposure, trunk: trunk, rng: &rng)
      mlp.setFrozen(true)
      exposureMLP = mlp
    } else {
      exposureMLP = nil
    }
    let k = config.taskEmbeddingDim
    if config.taskPersonalisation {
      let tau = Parameter("task_embedding", shape: Shape(3, k))
      Initializer.xavierUniform.apply(to: tau, fanIn: 3, fanOut: k, rng: &rng)
      taskEmbedding = tau
      ctrLoRA = TaskLoRA(task: "ctr", embedder: trunk.embedder, rank: config.loraRank, alpha: config.loraAlpha,
                         bStd: config.loraInitStd, rng: &rng)
      cvrLoRA = TaskLoRA(task: "cvr", embedder: trunk.embedder, rank: config.loraRank, alpha: config.loraAlpha,
                         bStd: config.loraInitStd, rng: &rng)
      epnet = GateNU(inputDim: k + d, hiddenDim: config.epnetHidden > 0 ? config.epnetHidden : d, outputDim: d,
                     gamma: config.gateGamma, name: "epnet", rng: &rng)
    } else {
      taskEmbedding = nil
      ctrLoRA = nil
      cvrLoRA = nil
      epnet = nil
    }
    let prior = config.taskPersonalisation ? k : nil
    ctrTower = EGEANTower(name: "ctr", inputDim: d, towers: config.towers, ppnetPriorDim: prior,
                          gamma: config.gateGamma, rng: &rng)
    cvrTower = EGEANTower(name: "cvr", inputDim: d, towers: config.towers, ppnetPriorDim: prior,
                          gamma: config.gateGamma, rng: &rng)
    imputationTower = EGEANTower(name: "imputation", inputDim: d, towers: config.towers, ppnetPriorDim: prior,
                                 gamma: config.gateGamma, rng: &rng)
    // LoRAEmbedding froze the tables; only the exposure-pre-trained table stays frozen.
    trunk.setFrozen(config.exposureTask)
  }

  /// The full model (or the w/o TPN / w/o ML ablation) on a trained exposure model:
  /// its embedding tables are copied and frozen (§2.1.2), and with
  /// `propensity: ctrTimesExposure` its MLP too. `pretrained` is not changed.
  ///
  /// - Throws: `ModelError.config` when `config.exposureTask` is false (the w/o EN
  ///   ablation has no pre-training) or `config.exposure` differs from the pre-trained model's.
  public convenience init(pretrained: ExposurePretrainModel, config: Config, seed: UInt64) throws {
    guard config.exposureTask else {
      throw ModelError.config("EGEAN with exposureTask: false (w/o EN) is built fresh, not on a pre-trained model")
    }
    guard config.exposure == pretrained.config || config.propensity == .ctr else {
      throw ModelError.config("EGEAN's exposure configuration differs from the pre-trained EGEAN-exposure model's")
    }
    try self.init(plan: pretrained.plan, config: config, seed: seed)
    Self.copyValues(from: pretrained.trunk.parameters, to: trunk.parameters)
    if let exposureMLP { Self.copyValues(from: pretrained.mlp.parameters, to: exposureMLP.parameters) }
  }

  /// Rebuilds the architecture stored in a checkpoint's `configuration` for `schema`.
  public convenience init(configuration: JSONValue, schema: DataSchema) throws {
    try self.init(plan: FeaturePlan(schema: schema), config: configuration.decode(Config.self), seed: 0)
  }

  /// Same-named parameters of the same architecture, value by value.
  private static func copyValues(from source: [Parameter], to target: [Parameter]) {
    precondition(source.count == target.count, "EGEAN: the pre-trained model's parameters do not match")
    for (s, t) in zip(source, target) {
      precondition(s.name == t.name && s.value.count == t.value.count, "EGEAN: \(s.name) does not match \(t.name)")
      t.value.baseAddress!.update(from: s.value.baseAddress!, count: s.value.count)
    }
  }

  public var ownParameters: [Parameter] { taskEmbedding.map { [$0] } ?? [] }

  public var children: [any Layer] {
    var layers: [any Layer] = [trunk]
    if let exposureMLP { layers.append(exposureMLP) }
    layers += [ctrLoRA, cvrLoRA].compactMap { $0 }
    if let epnet { layers.append(epnet) }
    return layers + [ctrTower, cvrTower, imputationTower]
  }
}

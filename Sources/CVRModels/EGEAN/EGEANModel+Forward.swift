// EGEAN's forward pass and loss: the task inputs (LoRA, EPNet), the three towers,
// the predictions, and the joint loss as named sub-terms.
import CVRAutograd
import CVRData
import CVREstimators
import CVRKernels

extension EGEANModel {
  /// What the towers read, each [n, D].
  public struct TowerInputs {
    /// x: the shared (pre-trained) embedding.
    public var shared: Tensor
    /// o_ctr and o_cvr: the task embeddings after LoRA and EPNet (= x without task personalisation).
    public var ctr: Tensor
    public var cvr: Tensor
    /// The shared lookups' blocks (the exposure MLP reads user and item).
    public var embedded: EmbeddedFeatures
  }

  /// The three towers' logits, each [n], and their inputs.
  public struct Logits {
    public var ctr: Tensor
    public var cvr: Tensor
    public var imputation: Tensor
    public var inputs: TowerInputs
  }

  /// The unweighted terms of the joint loss, each a scalar (see `EGEANModel`).
  public struct LossTerms {
    public var ctr: Tensor
    public var ctcvr: Tensor
    /// The DR or PVDR CVR loss.
    public var cvr: Tensor
    public var imputation: Tensor
    /// MMD²(o_cvr, x), nil without metric learning or task personalisation.
    public var mmd: Tensor?
  }

  /// τ_task broadcast to [n, k].
  func prior(_ task: Task, count n: Int, _ tape: Tape) -> Tensor? {
    guard let taskEmbedding else { return nil }
    let row = tape.slice(tape.param(taskEmbedding), axis: 0, start: task.rawValue, length: 1)
    return tape.add(tape.zeros(Shape(n, config.taskEmbeddingDim)), row)
  }

  /// o_t = EPNet(x + Δ_t) for t = CTR, CVR (only CVR unless `ctr`); `adapt: false`
  /// skips the LoRA update Δ_t (for tests: with A = 0 both must agree bit for bit).
  public func towerInputs(_ batch: Batch, _ tape: Tape, ctr: Bool = true, adapt: Bool = true) -> TowerInputs {
    let e = trunk.embedder(batch, tape)
    let x = FlatEmbeddingTrunk.flatten(e, tape)
    guard let epnet, let ctrLoRA, let cvrLoRA else { return TowerInputs(shared: x, ctr: x, cvr: x, embedded: e) }
    let n = batch.count
    func task(_ t: Task, _ lora: TaskLoRA) -> Tensor {
      let adapted = adapt ? tape.add(x, lora.delta(batch, tape)) : x
      return tape.mul(adapted, epnet(adapted, prior: prior(t, count: n, tape), tape))
    }
    let cvr = task(.cvr, cvrLoRA)
    return TowerInputs(shared: x, ctr: ctr ? task(.ctr, ctrLoRA) : cvr, cvr: cvr, embedded: e)
  }

  /// z_ctr, z_cvr, z_imp for the batch.
  public func logits(_ batch: Batch, _ tape: Tape, adapt: Bool = true) -> Logits {
    let inputs = towerInputs(batch, tape, adapt: adapt)
    let n = batch.count
    return Logits(
      ctr: ctrTower(inputs.ctr, prior: prior(.ctr, count: n, tape), tape),
      cvr: cvrTower(inputs.cvr, prior: prior(.cvr, count: n, tape), tape),
      imputation: imputationTower(tape.stopGradient(inputs.cvr), prior: prior(.imputation, count: n, tape), tape),
      inputs: inputs)
  }

  /// p̂ per exposure, unclipped (the losses clip): pCTR, or pCTR · q(u, i) with
  /// `ctrTimesExposure`; a constant.
  func propensities(_ z: Logits, count n: Int, _ tape: Tape) -> Tensor {
    let p = clickPropensity(ctrLogits: z.ctr, tape)
    if let exposureMLP, let user = z.inputs.embedded.user, let item = z.inputs.embedded.item {
      let q = ExposurePretrainModel.pairLogits(exposureMLP, user: user.detached, item: item.detached, tape)
      for b in 0..<n { p.data[b] *= FastMath.sigmoid(q.data[b]) }
    }
    return p
  }

  /// Every term of the joint loss on `batch` (see `EGEANModel` for the formulas).
  public func lossTerms(_ batch: Batch, _ tape: Tape) -> LossTerms {
    let n = batch.count
    let z = logits(batch, tape)
    let pCTR = LogProbability.sigmoid(z.ctr, tape), pCVR = LogProbability.sigmoid(z.cvr, tape)
    let labels = ExposureLabels(batch, tape)
    let click = labels.click
    let ctr = pCTR.crossEntropy(labels: click, weights: labels.weight, tape)
    let ctcvr = pCTR.times(pCVR, tape).crossEntropy(labels: labels.clickConversion, weights: labels.weight, tape)
    // e_i = −[r log pCVR + (1 − r) log(1 − pCVR)], tracked and unweighted (the estimators weigh by o/p̂).
    let unit = tape.empty(Shape(n))
    for b in 0..<n { unit.data[b] = 1 }
    let errors = pCVR.errors(labels: labels.conversion, weights: unit, tape)
    // ê as the prediction step and as the imputation step see it (`ImputedError`).
    let forPrediction: Tensor, forImputation: Tensor
    switch config.imputedError {
    case .direct:
      forPrediction = tape.softplus(z.imputation)
      forImputation = forPrediction
    case .label:
      (forPrediction, forImputation) = labelImputedErrors(cvr: pCVR, fixedCVR: pCVR, imputationLogits: z.imputation,
                                                          weights: unit, tape)
    }
    // Direct: ê is fixed in the CVR loss (DR-JL's prediction step); label: tracked through pCVR only.
    let detachImputed = config.imputedError == .direct
    let propensity = propensities(z, count: n, tape)
    let cvr: Tensor, imputation: Tensor
    switch config.estimator {
    case .dr:
      cvr = tape.drLoss(errors: errors, imputed: forPrediction, observed: click, propensity: propensity, clip: clip,
                        detachImputed: detachImputed)
      imputation = tape.imputationLoss(.drJL, errors: errors, imputed: forImputation, observed: click,
                                       propensity: propensity, clip: clip)
    case .pvdr:
      cvr = tape.pvdrLoss(errors: errors, imputed: forPrediction, observed: click, propensity: propensity,
                          lambda: lambda, clip: clip, detachImputed: detachImputed)
      imputation = tape.pvdrImputationLoss(errors: errors, imputed: forImputation, observed: click,
                                           propensity: propensity, lambda: lambda, penalty: config.steadyStatePenalty,
                                           clip: clip)
    }
    let mmd = config.metricLearning && config.taskPersonalisation
      ? tape.mmdSquared(z.inputs.cvr, z.inputs.shared, kernel: config.mmdKernel.kernel(bandwidth: config.mmdBandwidth)) : nil
    return LossTerms(ctr: ctr, ctcvr: ctcvr, cvr: cvr, imputation: imputation, mmd: mmd)
  }

  /// L = w_ctr L_ctr + w_ctcvr L_ctcvr + w_cvr L_CVR + w_imp L_imp + w_mmd MMD².
  public func loss(_ batch: Batch, _ tape: Tape) -> Tensor {
    let t = lossTerms(batch, tape)
    var total = tape.add(tape.scale(t.ctr, by: config.ctrWeight), tape.scale(t.ctcvr, by: config.ctcvrWeight))
    total = tape.add(total, tape.scale(t.cvr, by: config.cvrWeight))
    total = tape.add(total, tape.scale(t.imputation, by: config.imputationWeight))
    if let mmd = t.mmd { total = tape.add(total, tape.scale(mmd, by: config.mmdWeight)) }
    return total
  }

  /// pCTR = σ(z_ctr), pCVR = σ(z_cvr), pCTCVR = pCTR · pCVR.
  public func predict(_ batch: Batch, _ tape: Tape, into outputs: PredictionOutputs) {
    let inputs = towerInputs(batch, tape)
    let n = batch.count
    let zCTR = ctrTower(inputs.ctr, prior: prior(.ctr, count: n, tape), tape)
    let zCVR = cvrTower(inputs.cvr, prior: prior(.cvr, count: n, tape), tape)
    outputs.writeEntireSpace(count: n, ctrLogits: zCTR) { FastMath.sigmoid(zCVR.data[$0]) }
  }

  /// pCVR = σ(z_cvr), the CVR task alone (the CTR and imputation towers are not run).
  public func predictCVR(_ batch: Batch, _ tape: Tape, into out: UnsafeMutablePointer<Float>) {
    let inputs = towerInputs(batch, tape, ctr: false)
    let z = cvrTower(inputs.cvr, prior: prior(.cvr, count: batch.count, tape), tape)
    for b in 0..<batch.count { out[b] = FastMath.sigmoid(z.data[b]) }
  }
}

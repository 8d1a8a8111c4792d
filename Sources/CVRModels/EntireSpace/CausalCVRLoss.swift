// The debiased CVR losses of the EGEAN family's baselines over the exposure space:
// per-sample errors, the detached click propensity, and IPS or DR with its
// imputation loss, all through CVREstimators' tape losses.
import CVRAutograd
import CVRData
import CVREstimators
import CVRKernels

/// How a baseline debiases its CVR loss over the exposure space.
public enum CVRDebiasing: String, Codable, Sendable, CaseIterable {
  /// IPS (Schnabel et al. 2016; Zhang et al. WWW 2020 Multi-IPW): (1/N) Σ o e / ô.
  case ips
  /// DR (Wang et al. ICML 2019; Zhang et al. WWW 2020 Multi-DR): (1/N) Σ [ê + o (e − ê)/ô],
  /// with an imputation tower for ê.
  case dr
}

extension LogProbability {
  /// e_b = −w_b [y_b log p_b + (1 − y_b) log(1 − p_b)], tracked [n]: each sample's
  /// cross-entropy against labels y [n] (constants, soft labels allowed), weighted by w [n].
  public func errors(labels y: Tensor, weights w: Tensor, _ tape: Tape) -> Tensor {
    let n = y.count
    let positive = tape.empty(Shape(n)), negative = tape.empty(Shape(n))
    for b in 0..<n {
      positive.data[b] = -w.data[b] * y.data[b]
      negative.data[b] = -w.data[b] * (1 - y.data[b])
    }
    return tape.add(tape.mul(positive, log), tape.mul(negative, log1m))
  }
}

/// The propensity ô = σ(z_ctr) as a constant [n]: detached, so the CVR loss's
/// weights send no gradient into the CTR tower (seeds-code.md §2.6; DCMT, ESCM² and
/// DDPO code all detach it). The estimator losses clip it (`PropensityClip`).
public func clickPropensity(ctrLogits z: Tensor, _ tape: Tape) -> Tensor {
  let p = tape.empty(Shape(z.count))
  for b in 0..<z.count { p.data[b] = FastMath.sigmoid(z.data[b]) }
  return p
}

/// What an imputation tower's logit z_imp stands for in DR (RECONSTRUCTION: the
/// papers name an imputation tower and its loss, not its output's meaning).
public enum ImputedError: String, Codable, Sendable, CaseIterable {
  /// ê = softplus(z_imp) ≥ 0, the error itself (Multi-DR's Fig. 4 and ESCM²-DR impute
  /// the error; softplus keeps it ≥ 0 as a cross-entropy is; the PaddleRec ESCM²
  /// reproduction leaves it linear). The CVR tower's own gradient is then IPS's: DR
  /// differs from IPS through the imputation task's pull on the shared embedding.
  case direct
  /// ê = CE(r̃, r̂) with the imputed label r̃ = σ(z_imp) (Wang et al. ICML 2019's DR-JL
  /// code): ê depends on the prediction, so unclicked rows train the CVR tower.
  case label
}

/// L_CVR and, for DR, its imputation loss over the exposure space.
///
/// e_b = w_b CE(r_b, r̂_b) (tracked through `cvr`), ô = clip(p̂) detached.
/// - IPS: L_CVR = (1/N) Σ o e / ô (`Tape.ipsLoss`).
/// - DR: L_CVR = (1/N) Σ [ê + o (e − ê)/ô] (`Tape.drLoss`) and L_IMP = (1/N) Σ o (e − ê)²/ô
///   (`Tape.imputationLoss(.drJL)`, or `.mrdr`'s (1 − ô)/ô² weight). DR-JL's two steps
///   (Wang et al. 2019 §4) are taken jointly in one backward pass: in L_CVR the
///   imputation is fixed, in L_IMP the prediction is (Multi-DR and ESCM²-DR train
///   their towers jointly). With `.direct`, ê = softplus(z_imp) (detached in L_CVR);
///   with `.label`, ê = w·CE(σ(z_imp), r̂): tracked through r̂ only in L_CVR and through
///   σ(z_imp) only in L_IMP.
/// `heldCVRLogits` and `heldImputationLogits` (constants [n]) replace the values each
/// step reads detached (`HeldInputs`, for finite differences); nil reads the live ones.
/// Shapes: logits and labels [n]; out scalars.
public func causalCVRLoss(
  _ method: CVRDebiasing, cvr: LogProbability, imputationLogits zImp: Tensor?, imputedError: ImputedError = .direct,
  labels: ExposureLabels, propensity p: Tensor, clip: PropensityClip, imputation kind: ImputationLoss = .drJL,
  heldCVRLogits: Tensor? = nil, heldImputationLogits: Tensor? = nil, _ tape: Tape
) -> (cvr: Tensor, imputation: Tensor?) {
  let o = labels.click
  let e = cvr.errors(labels: labels.conversion, weights: labels.weight, tape)
  // The prediction as the imputation step sees it (fixed), and the imputation as the prediction step sees it.
  let fixedCVR = heldCVRLogits.map { LogProbability.sigmoid($0, tape) } ?? cvr
  let fixedErrors = heldCVRLogits == nil ? e : fixedCVR.errors(labels: labels.conversion, weights: labels.weight, tape)
  switch method {
  case .ips:
    return (tape.ipsLoss(errors: e, observed: o, propensity: p, clip: clip), nil)
  case .dr:
    guard let zImp else { preconditionFailure("causalCVRLoss: DR needs an imputation tower") }
    switch imputedError {
    case .direct:
      let h = tape.softplus(zImp)
      let fixedH = heldImputationLogits.map { tape.softplus($0) } ?? h
      return (tape.drLoss(errors: e, imputed: fixedH, observed: o, propensity: p, clip: clip),
              tape.imputationLoss(kind, errors: fixedErrors, imputed: h, observed: o, propensity: p, clip: clip))
    case .label:
      let h = labelImputedErrors(cvr: cvr, fixedCVR: fixedCVR, imputationLogits: zImp, weights: labels.weight,
                                 heldImputationLogits: heldImputationLogits, tape)
      return (tape.drLoss(errors: e, imputed: h.forPrediction, observed: o, propensity: p, clip: clip,
                          detachImputed: false),
              tape.imputationLoss(kind, errors: fixedErrors, imputed: h.forImputation, observed: o, propensity: p,
                                  clip: clip))
    }
  }
}

/// The imputed error ê = w·CE(r̃, r̂) of `ImputedError.label` (Wang et al. ICML 2019's
/// DR-JL code), r̃ = σ(z_imp), as each DR-JL step sees it:
/// - `forPrediction`: CE(r̃, r̂) with r̃ a constant, tracked through r̂ (`cvr`), for the
///   prediction step (pass it to `drLoss`/`pvdrLoss` with `detachImputed: false`);
/// - `forImputation`: linear in r̃ with r̂ fixed (`fixedCVR`),
///   −w[r̃ (log r̂ − log(1 − r̂)) + log(1 − r̂)], tracked through z_imp, for the imputation loss.
/// `heldImputationLogits` (constants [n]) replaces the live r̃ the prediction step reads
/// (finite differences). Shapes: every tensor [n].
public func labelImputedErrors(
  cvr: LogProbability, fixedCVR: LogProbability, imputationLogits zImp: Tensor, weights: Tensor,
  heldImputationLogits: Tensor? = nil, _ tape: Tape
) -> (forPrediction: Tensor, forImputation: Tensor) {
  let n = zImp.count
  let imputedLabel = tape.sigmoid(zImp)
  let fixedLabel = heldImputationLogits.map { tape.sigmoid($0) } ?? imputedLabel.detached
  let forPrediction = cvr.errors(labels: fixedLabel, weights: weights, tape)
  let slope = tape.empty(Shape(n)), offset = tape.empty(Shape(n))
  for b in 0..<n {
    let w = weights.data[b]
    slope.data[b] = -w * (fixedCVR.log.data[b] - fixedCVR.log1m.data[b])
    offset.data[b] = -w * fixedCVR.log1m.data[b]
  }
  return (forPrediction, tape.add(tape.mul(imputedLabel, slope), offset))
}

/// The propensity clip of a configuration's floor, or `ModelError.config` naming the key.
func propensityClip(floor: Double, key: String = "propensityFloor") throws -> PropensityClip {
  do { return try PropensityClip(floor: floor) } catch {
    throw ModelError.config("\(key): \(error)")
  }
}

/// pCTR = σ(tower(trunk(batch))) for every sample, computed in inference mode.
func ctrProbabilities(_ batch: Batch, features trunk: FlatEmbeddingTrunk, tower: FlatTower) -> [Float] {
  let tape = Tape(recording: false)
  return tape.inference {
    let z = tower(trunk(batch, tape), tape)
    return (0..<batch.count).map { FastMath.sigmoid(z.data[$0]) }
  }
}

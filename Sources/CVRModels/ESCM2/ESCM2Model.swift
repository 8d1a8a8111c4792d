// ESCM²-IPS and ESCM²-DR (Wang et al. SIGIR 2022): ESMM's CTR and CTCVR risks plus a
// counterfactual CVR risk (IPS or DR) over the exposure space, on the flat embedding.
import CVRData

/// ESCM²: Wang, Chang, Liu, Huang, Chen, Yu, Li, Chu, "ESCM²: Entire Space Counterfactual
/// Multi-Task Model for Post-Click Conversion Rate Estimation", SIGIR 2022 (arXiv 2204.05125).
///
/// Loss (the paper's objective): L = L_CTR + λ_c L_CVR + λ_g L_CTCVR over every exposure,
/// - L_CTR = (1/|D|) Σ BCE(o, pCTR), L_CTCVR = (1/|D|) Σ BCE(o·r, pCTR·pCVR) (the global risk);
/// - L_CVR the counterfactual risk: IPS (1/|D|) Σ o e/ô, or DR (1/|D|) Σ [ê + o(e − ê)/ô]
///   plus the imputation loss (1/|D|) Σ o (e − ê)²/ô inside the same λ_c term;
/// e = BCE(r, pCVR), ô = clip(pCTR) detached (floor 0.05, `propensityFloor`).
///
/// λ_c = λ_g = 0.5: the defaults of the PaddleRec implementation of ESCM²
/// (models/multitask/escm2: `counterfactual_w: 0.5`, `global_w: 0.5`, whose DR term also
/// carries the imputation loss); the paper's own values were not in our sources. RECONSTRUCTION, marked: that reproduction clips the
/// propensity at 1e-6 (and IPS weights at 15), we clip at the family's 0.05; its towers
/// sit on an MMoE, ours are MLPs on the flat trunk so every baseline shares the
/// embedding layer (EGEAN §3.1); the imputation tower's output (`ImputedError`).
public enum ESCM2Model {
  /// The defaults of ESCM²: λ_c = λ_g = 0.5, imputation weight 1.
  public static func defaults(_ towers: FlatTowerConfig) -> CausalMultiTaskConfig {
    var c = CausalMultiTaskConfig()
    c.towers = towers
    c.cvrWeight = 0.5
    c.ctcvrWeight = 0.5
    return c
  }

  /// Kind "ESCM2-IPS".
  public static let ipsKind = CausalMultiTaskModel.modelKind("ESCM2-IPS", .ips, defaults: defaults)
  /// Kind "ESCM2-DR".
  public static let drKind = CausalMultiTaskModel.modelKind("ESCM2-DR", .dr, defaults: defaults)
}

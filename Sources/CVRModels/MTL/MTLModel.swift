// MTL-IPS and MTL-DR (Zhang et al. WWW 2020, Multi-IPW and Multi-DR): CTR and CVR
// towers (and an imputation tower for DR) on the shared flat embedding, the CVR
// loss debiased over the exposure space with pCTR as the propensity.
import CVRData

/// MTL-IPS and MTL-DR: Zhang, Bao, Liu, Yang, Lin, Wen, Ramezani, "Large-scale Causal
/// Approaches to Debiasing Post-click Conversion Rate Estimation with Multi-task
/// Learning", WWW 2020 (arXiv 1910.09337), the Multi-IPW and Multi-DR estimators.
///
/// Loss over every exposure D (Fig. 4: the CTR, CVR and imputation tasks chained by
/// parameter sharing, the predicted CTR as the propensity):
/// - MTL-IPS: L = L_CTR + L_IPS, L_IPS = (1/|D|) Σ o e / ô;
/// - MTL-DR: L = L_CTR + L_DR + L_IMP, L_DR = (1/|D|) Σ [ê + o (e − ê)/ô],
///   L_IMP = (1/|D|) Σ o (e − ê)²/ô (seeds-code.md §2.6, §2.8);
/// with L_CTR = (1/|D|) Σ BCE(o, pCTR), e = BCE(r, pCVR), ô = clip(pCTR) detached
/// (floor 0.05, the family's default; `propensityFloor`).
///
/// RECONSTRUCTION, marked: the task weights (all 1 here; the paper's are not in our
/// sources, alternatives λ_c < 1 as ESCM²'s 0.5); joint rather than alternating DR-JL
/// steps (the towers share the embedding and train together, as the paper's Fig. 4
/// chains them); what the imputation tower outputs (`ImputedError`, default the error
/// itself as the paper's error-imputation model). Towers: MLPs on the flat trunk
/// (`FlatTowerConfig`; the paper's own towers are not public).
public enum MTLModel {
  /// The defaults of MTL-IPS/DR: every task weight 1, no CTCVR term.
  public static func defaults(_ towers: FlatTowerConfig) -> CausalMultiTaskConfig {
    var c = CausalMultiTaskConfig()
    c.towers = towers
    return c
  }

  /// Kind "MTL-IPS".
  public static let ipsKind = CausalMultiTaskModel.modelKind("MTL-IPS", .ips, defaults: defaults)
  /// Kind "MTL-DR".
  public static let drKind = CausalMultiTaskModel.modelKind("MTL-DR", .dr, defaults: defaults)
}

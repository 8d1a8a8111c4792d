// The four distance metrics MetaCVR compares (§2.4, §3.2): the learnable
// SPDM and NNDM, and the fixed cosine and Euclidean distances.

/// Which d(F(x), p) the Distance Metric Network computes.
public enum DistanceMetric: String, Codable, Sendable, CaseIterable {
  /// Space Projection Distance Metric, d = F(x)ᵀ W_occ p + b_occ (Eq. 4).
  case spdm
  /// Neural-Network Distance Metric (Eq. 5, in its Relation-Network reading).
  case nndm
  /// The authors' nonlinear SPDM (`relation_type = mulrelanet`, seeds-code.md §1.5):
  /// d⁺ = act(F(x)ᵀ W⁺_occ p⁺), d⁻ = act(F(x)ᵀ W⁻_occ p⁻), s = d⁺ − d⁻ + b_occ.
  case mulrelanet
  /// d = cos(F(x), p) (the paper's fixed baseline metric).
  case cosine
  /// d = −‖F(x) − p‖² (the paper's fixed baseline metric).
  case euclidean

  /// The name in reports: "SPDM", "NNDM", "cosine", "Euclidean" (MetaCVR-SPDM, …).
  public var displayName: String {
    switch self {
    case .spdm: "SPDM"
    case .nndm: "NNDM"
    case .mulrelanet: "mulrelanet"
    case .cosine: "cosine"
    case .euclidean: "Euclidean"
    }
  }

  /// Whether the metric has parameters to train.
  public var isLearnable: Bool { self != .cosine && self != .euclidean }

  /// Whether its parameters hold one bilinear W per occasion (and class) that starts at I
  /// (what `identityDecay` pulls back toward).
  public var isBilinear: Bool { self == .spdm || self == .mulrelanet }
}

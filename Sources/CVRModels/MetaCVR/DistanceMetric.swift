// The four distance metrics MetaCVR compares (§2.4, §3.2): the learnable
// SPDM and NNDM, and the fixed cosine and Euclidean distances.

/// Which d(F(x), p) the Distance Metric Network computes.
public enum DistanceMetric: String, Codable, Sendable, CaseIterable {
  /// Space Projection Distance Metric, d = F(x)ᵀ W_occ p + b_occ (Eq. 4).
  case spdm
  /// Neural-Network Distance Metric (Eq. 5, in its Relation-Network reading).
  case nndm
  /// d = cos(F(x), p) (the paper's fixed baseline metric).
  case cosine
  /// d = −‖F(x) − p‖² (the paper's fixed baseline metric).
  case euclidean

  /// The name in reports: "SPDM", "NNDM", "cosine", "Euclidean" (MetaCVR-SPDM, …).
  public var displayName: String {
    switch self {
    case .spdm: "SPDM"
    case .nndm: "NNDM"
    case .cosine: "cosine"
    case .euclidean: "Euclidean"
    }
  }

  /// Whether the metric has parameters to train.
  public var isLearnable: Bool { self == .spdm || self == .nndm }
}

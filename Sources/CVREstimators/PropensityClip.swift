// Propensity clipping: the floor and ceiling every estimator and training loss
// applies to p̂ before dividing by it, so 1/p̂ is bounded.
//
// Default floor 0.05, ceiling 1 (docs/estimators.md, "Clipping"): the floor
// bounds an inverse-propensity weight at 20. The lineage of seeds-code.md §2.6
// uses 1e-3 (DCMT: clamp(pCTR, 1e-3, 1 − 1e-3)), 1e-7 (DDPO/EVI) and 0.05
// (ESCM² reimplementations, unverified); the two tiny floors leave weights up to
// 10^3–10^7, the regime where IPS and DR blow up and that StableDR and PVDR are
// built for, so a default that a user does not notice should be the safe one.
// A ceiling below 1 only matters for weights (1 − p̂)/p̂² (MRDR), which vanish
// at p̂ = 1; the default leaves it at 1 so clipping never biases rows that are
// surely observed. Both are configurable; the report of issue 12 sweeps the floor.

/// The interval [floor, ceiling] that propensities are clamped to.
public struct PropensityClip: Sendable, Equatable {
  public let floor: Double
  public let ceiling: Double

  /// The default: floor 0.05, ceiling 1 (see the file header for why).
  public static let standard = PropensityClip(uncheckedFloor: 0.05, ceiling: 1)

  /// Refuses 0 < floor ≤ ceiling ≤ 1 violated, naming the bound.
  public init(floor: Double = 0.05, ceiling: Double = 1) throws(EstimatorError) {
    guard floor > 0, floor <= 1, floor.isFinite else {
      throw .invalidClip("propensity floor \(floor) must be in (0, 1]")
    }
    guard ceiling >= floor, ceiling <= 1 else {
      throw .invalidClip("propensity ceiling \(ceiling) must be in [floor \(floor), 1]")
    }
    self.floor = floor
    self.ceiling = ceiling
  }

  private init(uncheckedFloor floor: Double, ceiling: Double) {
    self.floor = floor
    self.ceiling = ceiling
  }

  /// min(max(p, floor), ceiling); NaN is not clamped (inputs are checked before).
  @inline(__always)
  public func callAsFunction(_ p: Double) -> Double { Swift.min(Swift.max(p, floor), ceiling) }
}

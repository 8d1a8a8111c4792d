// The knobs that turn DDFWorld's repeating calendar into real distribution
// fluctuation: promotions that differ, random promotion dates, an abrupt shift,
// labels censored at the training cut. All off by default (the demo's world).
import CVRCore

extension DDFWorld {
  /// What makes a world fluctuate beyond the slow drift. A reconstruction of the
  /// fluctuation MetaCVR §1 describes ("the distribution of data changes
  /// drastically ... before, during and after a promotion"), not a formula of the paper.
  public struct Fluctuation: Sendable, Equatable {
    /// Each promotion starts on a random day of its block and its BP/DP/AP phases take
    /// random lengths (1–3 / 2–4 / 1–3 days), instead of the same centred 2/3/2 every time.
    public var randomDates: Bool
    /// Promotions differ: promotion p has its own DP intercept δ_p ~ N(0, variety²),
    /// strength κ_p ~ U(1 − variety, 1 + variety) of its hot and discount terms, and a
    /// theme category whose items get +2·variety on the DP logit (and half on BP). 0: all alike.
    public var promotionVariety: Double
    /// From this day on the world changes at once (nil: never): preferences turn a further
    /// `shiftRotation` radians, price sensitivity is multiplied by `shiftPriceFactor` and every
    /// occasion's CVR intercept moves by `shiftIntercept` (NP, BP, DP, AP).
    public var shiftDay: Int?
    public var shiftRotation: Double
    public var shiftPriceFactor: Double
    public var shiftIntercept: [Double]
    /// Labels of clicks before this day are observed only up to its first hour (the training
    /// cut: a log exported then), so late purchases of D's last days are missing from `buy`;
    /// later rows are observed up to the end of the log (nil: every row up to the end).
    public var censorDay: Int?

    public init(randomDates: Bool = false, promotionVariety: Double = 0, shiftDay: Int? = nil,
                shiftRotation: Double = 0, shiftPriceFactor: Double = 1, shiftIntercept: [Double] = [0, 0, 0, 0],
                censorDay: Int? = nil) {
      self.randomDates = randomDates
      self.promotionVariety = promotionVariety
      self.shiftDay = shiftDay
      self.shiftRotation = shiftRotation
      self.shiftPriceFactor = shiftPriceFactor
      self.shiftIntercept = shiftIntercept
      self.censorDay = censorDay
    }

    /// No fluctuation beyond the slow drift: the existing world, byte for byte.
    public static let off = Fluctuation()

    func check(days: Int) throws {
      func need(_ ok: Bool, _ what: String) throws {
        if !ok { throw SimulationError(problem: "DDFWorld.Fluctuation: \(what)") }
      }
      try need(promotionVariety >= 0 && promotionVariety < 1, "promotionVariety must be in [0, 1)")
      try need(shiftIntercept.count == DDFWorld.occasionNames.count, "shiftIntercept needs one value per occasion (NP, BP, DP, AP)")
      try need(shiftPriceFactor > 0, "shiftPriceFactor must be positive")
      if let shiftDay { try need(shiftDay > 0 && shiftDay < days, "shiftDay \(shiftDay) must lie inside 1 ..< \(days)") }
      if let censorDay { try need(censorDay > 0 && censorDay <= days, "censorDay \(censorDay) must lie inside 1 ... \(days)") }
    }
  }

  /// What each promotion is like (drawn from the world seed's own stream, so a world
  /// without variety draws nothing and keeps its bytes).
  struct PromotionTraits {
    /// DP intercept δ_p, strength κ_p and theme category of each promotion.
    var intercept: [Double], strength: [Double], theme: [Int]

    init(promotions: Int, categories: Int, variety: Double, seed: UInt64) {
      guard variety > 0 else {
        (intercept, strength, theme) = (Array(repeating: 0, count: promotions), Array(repeating: 1, count: promotions),
                                        Array(repeating: -1, count: promotions))
        return
      }
      var g = SeededGenerator(seed: seed ^ 0x5EED_D0F0_0000_0003)
      intercept = []; strength = []; theme = []
      for _ in 0..<promotions {
        intercept.append(variety * g.normal())
        strength.append(1 - variety + 2 * variety * g.unit())
        theme.append(g.below(categories))
      }
    }
  }
}

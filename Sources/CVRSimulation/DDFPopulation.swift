// DDFWorld's users and items: latent preferences, profiles, prices, brands, hot
// bursts and promotion discounts, drawn once from the seed; plus the state that
// changes while rows are written (behaviour histories, running counts).
import CVRCore
import CVRData

import Foundation

/// Everything in the world that is not one exposure. Arrays are flat (row-major
/// per user or item) and filled in index order, so the draws are reproducible.
struct DDFPopulation {
  let config: DDFWorld.Config
  let calendar: DDFCalendar
  /// How each promotion differs (all alike without `Fluctuation.promotionVariety`).
  let traits: DDFWorld.PromotionTraits
  /// Rows' randomness; the population has its own stream (drawn in `init`).
  var rng: SeededGenerator

  // Users.
  /// Intrinsic preference vectors [users × latentDim], unit length.
  var preference: [Double]
  var age: [Int32], gender: [Int32], cityLevel: [Int32]
  /// Sensitivity to promotion discounts, in [0, 1).
  var promoSensitivity: [Double]
  /// Log of the price the user usually pays.
  var priceLevel: [Double]
  /// Three favourite categories per user [users × 3] (where recommendations look).
  var favourites: [Int]
  /// How often a user is exposed (proportional weights).
  let userTable: WeightedTable
  var clicks: [Int], purchases: [Int]
  /// Behaviour ring buffers [users × sequenceLength] of item ids, oldest at `historyStart`.
  var history: [Int32]
  var historyStart: [Int], historyCount: [Int]

  // Items.
  var category: [Int32], brand: [Int32]
  /// Item vectors [items × latentDim], unit length: category + brand + own direction.
  var itemVector: [Double]
  var logPrice: [Double], quality: [Double], basePopularity: [Double]
  /// Hot burst of an item: peak day (-1: never hot) and width in days.
  var burstPeak: [Double], burstWidth: [Double]
  /// Discount of each item in each promotion [items × promotions], 0 when it does not take part.
  var discount: [Double]
  /// Items of each category, in id order.
  var itemsOfCategory: [[Int]]
  /// Clicks on each item yesterday and so far today (the observable hotness).
  var clicksYesterday: [Int], clicksToday: [Int]

  init(_ config: DDFWorld.Config, calendar: DDFCalendar, seed: UInt64) {
    self.config = config
    self.calendar = calendar
    traits = DDFWorld.PromotionTraits(promotions: config.promotions, categories: config.categories,
                                      variety: config.fluctuation.promotionVariety, seed: seed)
    let k = config.latentDim
    var g = SeededGenerator(seed: seed ^ 0x5EED_D0F0_0000_0001)
    rng = SeededGenerator(seed: seed ^ 0x5EED_D0F0_0000_0002)

    func unitVector(_ g: inout SeededGenerator, around base: ArraySlice<Double>?, weight: Double) -> [Double] {
      var v = (0..<k).map { _ in g.normal() }
      if let base { for j in 0..<k { v[j] = weight * base[base.startIndex + j] + v[j] } }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      return v.map { $0 / max(norm, 1e-9) }
    }

    // Categories and brands are directions in the preference space; brands lean to one category.
    var categoryVector: [Double] = []
    for _ in 0..<config.categories { categoryVector += unitVector(&g, around: nil, weight: 0) }
    var brandVector: [Double] = [], brandCategory: [Int] = []
    for _ in 0..<config.brands {
      let c = g.below(config.categories)
      brandCategory.append(c)
      brandVector += unitVector(&g, around: categoryVector[(c * k)..<(c * k + k)], weight: 1.0)
    }

    category = []; brand = []; itemVector = []; logPrice = []; quality = []; basePopularity = []
    burstPeak = []; burstWidth = []; discount = []
    itemsOfCategory = Array(repeating: [], count: config.categories)
    let categoryPrice = (0..<config.categories).map { _ in 3.0 + 1.0 * g.normal() }
    for i in 0..<config.items {
      // Most items carry a brand of their category; a fifth carry any brand.
      let b = g.below(config.brands)
      let c = g.bernoulli(0.8) ? brandCategory[b] : g.below(config.categories)
      category.append(Int32(c))
      brand.append(Int32(b))
      itemsOfCategory[c].append(i)
      var mix = [Double](repeating: 0, count: k)
      for j in 0..<k { mix[j] = categoryVector[c * k + j] + 0.6 * brandVector[b * k + j] }
      itemVector += unitVector(&g, around: mix[...], weight: 2.5)
      logPrice.append(categoryPrice[c] + 0.5 * g.normal())
      quality.append(g.normal())
      basePopularity.append(Foundation.exp(1.0 * g.normal()))
      // A third of the items have one hot burst; most bursts peak around a promotion.
      if g.bernoulli(0.35) {
        let nearPromotion = !calendar.promotionStarts.isEmpty && g.bernoulli(0.7)
        let peak =
          nearPromotion
          ? Double(calendar.promotionStarts[g.below(calendar.promotionStarts.count)]) + 2 * g.unit()
          : Double(config.days) * g.unit()
        burstPeak.append(peak)
        burstWidth.append(1.0 + 3.0 * g.unit())
      } else {
        burstPeak.append(-1)
        burstWidth.append(1)
      }
      for _ in 0..<config.promotions {
        discount.append(g.bernoulli(0.6) ? 0.1 * Double(1 + g.below(5)) : 0)
      }
    }

    preference = []; age = []; gender = []; cityLevel = []; promoSensitivity = []; priceLevel = []; favourites = []
    var activity: [Double] = []
    for _ in 0..<config.users {
      let home = g.below(config.categories)
      let p = unitVector(&g, around: categoryVector[(home * k)..<(home * k + k)], weight: 1.5)
      preference += p
      age.append(Int32(g.below(6)))
      gender.append(Int32(g.below(3)))
      cityLevel.append(Int32(g.below(5)))
      promoSensitivity.append(g.unit())
      priceLevel.append(categoryPrice[home] + 0.4 * g.normal())
      activity.append(Foundation.exp(0.8 * g.normal()))
      // Favourite categories: the three whose direction is closest to the preference.
      var scored: [(Double, Int)] = []
      for c in 0..<config.categories {
        var dot = 0.0
        for j in 0..<k { dot += p[j] * categoryVector[c * k + j] }
        scored.append((dot, c))
      }
      scored.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
      for f in 0..<3 { favourites.append(scored[f % scored.count].1) }
    }
    userTable = WeightedTable(activity)
    clicks = [Int](repeating: 0, count: config.users)
    purchases = [Int](repeating: 0, count: config.users)
    clicksYesterday = [Int](repeating: 0, count: config.items)
    clicksToday = [Int](repeating: 0, count: config.items)

    // Warm-up histories: a few clicks in favourite categories before day 0, so no sequence starts empty.
    let L = config.sequenceLength
    history = [Int32](repeating: -1, count: config.users * L)
    historyStart = [Int](repeating: 0, count: config.users)
    historyCount = [Int](repeating: 0, count: config.users)
    for u in 0..<config.users {
      let n = 1 + g.below(L)
      for _ in 0..<n {
        let c = favourites[u * 3 + g.below(3)]
        let pool = itemsOfCategory[c]
        let item = pool.isEmpty ? g.below(config.items) : pool[g.below(pool.count)]
        remember(item, user: u)
      }
      clicks[u] = n
    }
  }

  /// Appends a clicked item to the user's ring buffer, dropping the oldest when full.
  mutating func remember(_ item: Int, user u: Int) {
    let L = config.sequenceLength
    if historyCount[u] < L {
      history[u * L + (historyStart[u] + historyCount[u]) % L] = Int32(item)
      historyCount[u] += 1
    } else {
      history[u * L + historyStart[u]] = Int32(item)
      historyStart[u] = (historyStart[u] + 1) % L
    }
  }

  /// How hot item `i` is on `day`, in [0, 1]: a Gaussian bump around its burst peak.
  func hotness(_ i: Int, day: Int) -> Double {
    guard burstPeak[i] >= 0 else { return 0 }
    let d = (Double(day) - burstPeak[i]) / burstWidth[i]
    return Foundation.exp(-0.5 * d * d)
  }
}

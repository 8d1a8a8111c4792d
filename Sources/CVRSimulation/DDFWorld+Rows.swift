// DDFWorld's exposures, day by day and hour by hour: who sees which item where,
// the click, and a purchase whose mechanism depends on the occasion and drifts
// with the day; each row streams into data.csv as it is drawn.
import CVRData
import CVRFileIO
import Foundation

/// One exposure's probabilities and outcomes.
struct DDFOutcome {
  var ctr = 0.0, cvr = 0.0
  var click = false, potential = false, cart = false, observed = false
  /// Hours from click to purchase (when potential), and the hours written in `delay_hours`.
  var trueDelay = 0.0, delayColumn = 0.0
}

extension DDFPopulation {
  /// Share of exposures per hour of the day (a quiet night, a lunch bump, an evening peak).
  static let hourWeights: [Double] = [
    1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 3.5, 3.5, 4, 5, 4.5, 3.5, 3.5, 3.5, 4, 5, 6, 7, 7, 5, 2.5,
  ]

  /// Mean click-to-purchase hours per occasion (NP, BP, DP, AP): BP buyers wait for the sale.
  static let meanDelayHours: [Double] = [24, 60, 4, 12]

  /// CTR logit offset per occasion (NP, BP, DP, AP): promotions draw traffic.
  static let clickBump: [Double] = [0, 0.15, 0.4, -0.1]

  /// Writes every day's rows to `url` and returns the per-occasion counts.
  mutating func writeRows(to url: URL) throws -> SimulationSummary {
    var summary = SimulationSummary(groups: DDFWorld.occasionNames.map { SimulationSummary.Group(name: $0) })
    let header = DDFWorld.schema(config).columns.map(\.name)
    try AtomicFile.write(to: url) { sink in
      let out = CSVRowWriter(sink)
      for name in header { out.text(name) }
      try out.endLine()
      let L = config.sequenceLength
      var seqItems = [Int32](repeating: 0, count: L), seqCats = seqItems, seqBrands = seqItems
      for day in 0..<config.days {
        let occasion = calendar.occasion[day]
        let exposureTable = WeightedTable(
          (0..<config.items).map { basePopularity[$0] * (1 + 4 * hotness($0, day: day)) })
        var allotted = 0, cumulative = 0.0
        let total = Self.hourWeights.reduce(0, +)
        for hour in 0..<24 {
          // Whole exposures per hour by rounding the running share (sums to exposuresPerDay).
          cumulative += Self.hourWeights[hour]
          let upTo = Int((Double(config.exposuresPerDay) * cumulative / total).rounded())
          for _ in allotted..<upTo {
            let user = userTable.sample(&rng)
            let item: Int
            let pool = itemsOfCategory[favourites[user * 3 + rng.below(3)]]
            if !pool.isEmpty && rng.bernoulli(0.45) { item = pool[rng.below(pool.count)] } else {
              item = exposureTable.sample(&rng)
            }
            let position = rng.below(config.positions)
            let n = historyCount[user]
            var sameCategory = 0, sameBrand = 0
            for s in 0..<n {
              let past = Int(history[user * L + (historyStart[user] + s) % L])
              seqItems[s] = Int32(past)
              seqCats[s] = category[past]
              seqBrands[s] = brand[past]
              if category[past] == category[item] { sameCategory += 1 }
              if brand[past] == brand[item] { sameBrand += 1 }
            }
            let catShare = Double(sameCategory) / Double(max(n, 1))
            let brandShare = Double(sameBrand) / Double(max(n, 1))
            let itemDiscount = occasion == DDFCalendar.dp ? discount[item * config.promotions + calendar.promotion[day]] : 0
            let clickTime = Double(day * 24 + hour) + rng.unit()
            let o = draw(
              user: user, item: item, day: day, occasion: occasion, position: position, catShare: catShare,
              discount: itemDiscount, clickTime: clickTime)

            out.int(day)
            out.int(hour)
            out.int(day % 7)
            out.int(position)
            out.int(user)
            out.int(Int(age[user]))
            out.int(Int(gender[user]))
            out.int(Int(cityLevel[user]))
            out.int(clicks[user])
            out.int(purchases[user])
            out.fixed(priceLevel[user], decimals: 4)
            out.int(item)
            out.int(Int(category[item]))
            out.int(Int(brand[item]))
            out.fixed(Foundation.exp(logPrice[item]) * (1 - itemDiscount), decimals: 2)
            out.fixed(itemDiscount, decimals: 2)
            out.int(clicksYesterday[item])
            out.fixed(catShare, decimals: 4)
            out.fixed(brandShare, decimals: 4)
            seqItems.withUnsafeBufferPointer { out.list(UnsafeBufferPointer(rebasing: $0[0..<n]), separator: 124) }
            seqCats.withUnsafeBufferPointer { out.list(UnsafeBufferPointer(rebasing: $0[0..<n]), separator: 124) }
            seqBrands.withUnsafeBufferPointer { out.list(UnsafeBufferPointer(rebasing: $0[0..<n]), separator: 124) }
            out.int(o.click ? 1 : 0)
            out.int(o.cart ? 1 : 0)
            out.int(o.observed ? 1 : 0)
            out.fixed(o.delayColumn, decimals: 2)
            out.fixed(o.ctr, decimals: 6)
            out.fixed(o.cvr, decimals: 6)
            out.int(o.potential ? 1 : 0)
            out.fixed(o.trueDelay, decimals: 2)
            try out.endLine()

            summary.groups[occasion].count(click: o.click, potential: o.potential, observed: o.observed, action: o.cart)
            if o.click {
              remember(item, user: user)
              clicks[user] += 1
              clicksToday[item] += 1
              if o.potential { purchases[user] += 1 }
            }
          }
          allotted = upTo
        }
        swap(&clicksYesterday, &clicksToday)
        for i in 0..<config.items { clicksToday[i] = 0 }
      }
      try out.flush()
    }
    return summary
  }

  /// The click and purchase of one exposure (see docs/data-simulators.md for the formulas).
  mutating func draw(
    user u: Int, item i: Int, day: Int, occasion: Int, position: Int, catShare: Double, discount d: Double,
    clickTime: Double
  ) -> DDFOutcome {
    let k = config.latentDim
    let fluctuation = config.fluctuation
    let shifted = fluctuation.shiftDay.map { day >= $0 } ?? false
    // Preferences drift: each pair of latent axes rotates by driftPerDay radians a day
    // (and, after an abrupt shift, by shiftRotation more at once).
    let angle = config.driftPerDay * Double(day) + (shifted ? fluctuation.shiftRotation : 0)
    let (cosA, sinA) = (Foundation.cos(angle), Foundation.sin(angle))
    var dot = 0.0
    var j = 0
    while j + 1 < k {
      let x = preference[u * k + j], y = preference[u * k + j + 1]
      dot += (x * cosA - y * sinA) * itemVector[i * k + j] + (x * sinA + y * cosA) * itemVector[i * k + j + 1]
      j += 2
    }
    if j < k { dot += preference[u * k + j] * itemVector[i * k + j] }
    let match = dot * Double(k).squareRoot()  // about unit variance for unrelated user-item pairs
    let hot = hotness(i, day: day)
    let priceGap = logPrice[i] + Foundation.log(max(1 - d, 0.05)) - priceLevel[u]
    // Price sensitivity grows over the log: the second slow drift.
    let priceCoefficient = -(0.4 + 0.6 * Double(day) / Double(max(config.days - 1, 1)))
      * (shifted ? fluctuation.shiftPriceFactor : 1)
    // What this day's promotion is like (δ_p, κ_p, theme; 0 / 1 / none when promotions are alike).
    let promotion = calendar.promotion[day]
    let promoIntercept = promotion >= 0 ? traits.intercept[promotion] : 0
    let strength = promotion >= 0 ? traits.strength[promotion] : 1
    let themed = promotion >= 0 && traits.theme[promotion] == Int(category[i])
    let theme = themed ? 2 * fluctuation.promotionVariety : 0
    let shift = shifted ? fluctuation.shiftIntercept[occasion] : 0

    var o = DDFOutcome()
    o.ctr = sigmoid(-2.2 + 0.7 * match + 1.0 * hot - 0.15 * Double(position) + Self.clickBump[occasion])
    var logit: Double
    switch occasion {
    case DDFCalendar.bp:  // waiting for the sale: weaker, carts instead of purchases
      logit = -3.7 + 0.6 * match + 0.5 * priceCoefficient * priceGap + 0.3 * hot + 0.3 * catShare + 0.5 * theme
    case DDFCalendar.dp where fluctuation.promotionVariety > 0:  // this promotion's own intercept, strength, theme
      logit = -3.5 + promoIntercept + 0.3 * match + strength * (2.5 * hot + 4.0 * d * promoSensitivity[u])
        + 0.5 * priceCoefficient * priceGap + theme
    case DDFCalendar.dp:  // hot items and discounts, preference matters little
      logit = -3.5 + 0.3 * match + 2.5 * hot + 4.0 * d * promoSensitivity[u] + 0.5 * priceCoefficient * priceGap
    case DDFCalendar.ap:  // satiated after the sale
      logit = -3.9 + 0.8 * match + priceCoefficient * priceGap + 0.1 * quality[i] + 0.5 * catShare
    default:  // normal days: intrinsic preference and price
      logit = -4.0 + 1.0 * match + priceCoefficient * priceGap + 0.3 * quality[i] + 0.2 * hot + 0.8 * catShare
    }
    logit += shift
    o.cvr = sigmoid(logit)
    o.click = rng.bernoulli(o.ctr)
    o.potential = rng.bernoulli(o.cvr)
    let cartBoost = occasion == DDFCalendar.bp ? 1.5 : 0.0
    let cartP = o.potential ? (occasion == DDFCalendar.bp ? 0.9 : 0.7) : sigmoid(logit + 0.8 + cartBoost)
    let cart = rng.bernoulli(cartP)
    let delay = rng.exponential(mean: Self.meanDelayHours[occasion])
    guard o.click else { return o }
    o.cart = cart
    // Observed up to the training cut for clicks before it, else up to the end of the log.
    let end = Double((fluctuation.censorDay.map { day < $0 ? $0 : config.days } ?? config.days) * 24)
    if o.potential {
      o.trueDelay = delay
      o.observed = clickTime + delay <= end
    }
    // Delayed-feedback convention: the delay when the purchase is seen, else the hours watched so far.
    o.delayColumn = o.observed ? delay : end - clickTime
    return o
  }
}

// SelectionBiasWorld's users, items and rows: covariates drawn once from the
// seed, then each exposure's propensity, conversion rate and outcomes, streamed
// into data.csv.
import CVRCore
import CVRData
import CVRFileIO

import Foundation

/// Users, items and the row stream of a SelectionBiasWorld.
struct SelectionBiasPopulation {
  let config: SelectionBiasWorld.Config
  var rng: SeededGenerator
  var segment: [Int], activity: [Double], income: [Double]
  var category: [Int], logPrice: [Double], quality: [Double]
  /// Latent vectors [users × latentDim] and [items × latentDim]; their scaled dot is the affinity.
  var userVector: [Double], itemVector: [Double]
  /// Segment effects on the click and on the conversion logit (unrelated to each other).
  var segmentClick: [Double], segmentConversion: [Double]
  let userTable: WeightedTable, itemTable: WeightedTable

  init(_ config: SelectionBiasWorld.Config, seed: UInt64) {
    self.config = config
    var g = SeededGenerator(seed: seed ^ 0x5EED_5B00_0000_0001)
    rng = SeededGenerator(seed: seed ^ 0x5EED_5B00_0000_0002)
    let k = config.latentDim
    segmentClick = (0..<config.segments).map { _ in 0.4 * g.normal() }
    segmentConversion = (0..<config.segments).map { _ in 0.4 * g.normal() }
    segment = []; activity = []; income = []; userVector = []
    var userWeight: [Double] = []
    for _ in 0..<config.users {
      segment.append(g.below(config.segments))
      activity.append(g.normal())
      income.append(g.normal())
      for _ in 0..<k { userVector.append(g.normal()) }
      userWeight.append(Foundation.exp(0.8 * g.normal()))
    }
    let categoryPrice = (0..<config.categories).map { _ in 3.0 + 0.8 * g.normal() }
    category = []; logPrice = []; quality = []; itemVector = []
    var itemWeight: [Double] = []
    for _ in 0..<config.items {
      let c = g.below(config.categories)
      category.append(c)
      logPrice.append(categoryPrice[c] + 0.4 * g.normal())
      quality.append(g.normal())
      for _ in 0..<k { itemVector.append(g.normal()) }
      itemWeight.append(Foundation.exp(1.0 * g.normal()))
    }
    userTable = WeightedTable(userWeight)
    itemTable = WeightedTable(itemWeight)
  }

  /// The covariates named in the summary, in this order.
  static let covariateNames = ["user_activity", "user_income", "log_item_price", "item_quality", "user_item_affinity"]

  mutating func writeRows(to url: URL) throws -> SimulationSummary {
    var group = SimulationSummary.Group(name: "all")
    let names = Self.covariateNames
    var sums = (clicked: [Double](repeating: 0, count: names.count), unclicked: [Double](repeating: 0, count: names.count))
    let k = config.latentDim
    try AtomicFile.write(to: url) { sink in
      let out = CSVRowWriter(sink)
      for c in SelectionBiasWorld.schema(config).columns { out.text(c.name) }
      try out.endLine()
      for r in 0..<config.exposures {
        let u = userTable.sample(&rng), i = itemTable.sample(&rng), position = rng.below(config.positions)
        var dot = 0.0
        for j in 0..<k { dot += userVector[u * k + j] * itemVector[i * k + j] }
        let affinity = dot / Double(k).squareRoot()
        let priceZ = logPrice[i] - 3.0
        // Clicks: affinity, activity, cheap items, segment, and a steep position decay.
        let ctr = sigmoid(
          -1.3 + 1.0 * affinity + 0.8 * activity[u] - 0.5 * priceZ + segmentClick[segment[u]] - 0.15 * Double(position))
        // Conversions: quality, income and affinity; activity hurts a little (browsers click, buyers buy).
        let cvr = sigmoid(
          -2.6 + 1.0 * quality[i] + 0.6 * income[u] - 0.3 * activity[u] + 1.0 * affinity - 0.3 * priceZ
            + segmentConversion[segment[u]])
        let click = rng.bernoulli(ctr), potential = rng.bernoulli(cvr)

        out.int(r * config.days / config.exposures)
        out.int(position)
        out.int(u)
        out.int(segment[u])
        out.fixed(activity[u], decimals: 4)
        out.fixed(income[u], decimals: 4)
        out.int(i)
        out.int(category[i])
        out.fixed(Foundation.exp(logPrice[i]), decimals: 2)
        out.fixed(quality[i], decimals: 4)
        out.fixed(affinity, decimals: 4)
        out.int(click ? 1 : 0)
        out.int(click && potential ? 1 : 0)
        out.fixed(ctr, decimals: 6)
        out.fixed(cvr, decimals: 6)
        out.int(potential ? 1 : 0)
        try out.endLine()

        group.count(click: click, potential: potential, observed: click && potential, action: false)
        let values = [activity[u], income[u], logPrice[i], quality[i], affinity]
        for (j, v) in values.enumerated() {
          if click { sums.clicked[j] += v } else { sums.unclicked[j] += v }
        }
      }
      try out.flush()
    }
    var summary = SimulationSummary(groups: [group])
    let clicked = Double(max(group.clicks, 1)), unclicked = Double(max(group.exposures - group.clicks, 1))
    summary.covariates = names.indices.map {
      SimulationSummary.CovariateMeans(
        name: names[$0], clicked: sums.clicked[$0] / clicked, unclicked: sums.unclicked[$0] / unclicked)
    }
    return summary
  }
}

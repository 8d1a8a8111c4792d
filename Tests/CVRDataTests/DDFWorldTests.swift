// DDFWorld: the same seed writes the same bytes, the schema and calendar load,
// the purchase mechanism really differs by occasion, sequences line up, and
// delayed conversions past the window are reported honestly.
import CVRData
import CVRSimulation
import Foundation
import Testing

@Suite struct DDFWorldTests {
  static let config = DDFWorld.Config.tiny

  @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
    let a = try DDFWorld.write(Self.config, seed: 11, to: try SimTest.directory("ddf-a"))
    let b = try DDFWorld.write(Self.config, seed: 11, to: try SimTest.directory("ddf-b"))
    let c = try DDFWorld.write(Self.config, seed: 12, to: try SimTest.directory("ddf-c"))
    let bytesA = try SimTest.bytes([a.data, a.schema, a.calendar])
    #expect(bytesA.count == 3)
    #expect(bytesA == (try SimTest.bytes([b.data, b.schema, b.calendar])))
    #expect(a.summary == b.summary)
    #expect(bytesA[0] != (try Data(contentsOf: c.data)))
  }

  @Test func schemaParsesAndNamesTheCalendar() throws {
    let files = try DDFWorld.write(Self.config, seed: 3, to: try SimTest.directory("ddf-schema"))
    let schema = try DataSchema.load(from: files.schema)
    #expect(schema.calendar == "calendar.csv")
    #expect(schema.occasions == ["NP", "BP", "DP", "AP"])
    #expect(schema.columns(.occasion).isEmpty)
    #expect(schema.columns(.sequence).map(\.name) == ["hist_items", "hist_cats", "hist_brands"])
    #expect(schema.column("potential_buy")?.truth == .potentialConversion)
    let table = try SimTest.read(files.data)
    #expect(table.header == schema.columns.map(\.name))
    #expect(table.rows.count == Self.config.days * Self.config.exposuresPerDay)
    #expect(table.rows.allSatisfy { $0.count == table.header.count })
    #expect(files.summary.rows == table.rows.count)
  }

  @Test func calendarCoversEveryOccasion() throws {
    let files = try DDFWorld.write(Self.config, seed: 3, to: try SimTest.directory("ddf-calendar"))
    let table = try SimTest.read(try #require(files.calendar))
    #expect(table.header == ["day", "occasion"])
    #expect(table.rows.map { Int($0[0])! } == Array(0..<Self.config.days))
    #expect(Set(table.rows.map { String($0[1]) }) == ["NP", "BP", "DP", "AP"])
    // Each promotion: BP days, then DP days, then AP days.
    let occasions = table.rows.map { String($0[1]) }.joined(separator: " ")
    let phase = "BP BP DP DP DP AP AP"
    #expect(occasions.components(separatedBy: phase).count - 1 == Self.config.promotions)
  }

  /// CVR among clicks per occasion, recounted from the rows, matches the summary
  /// and differs between occasions by more than noise (chi-square over the four).
  @Test func clickCVRDiffersByOccasion() throws {
    var config = Self.config
    config.exposuresPerDay = 600  // enough clicks per occasion for a clear test
    let files = try DDFWorld.write(config, seed: 5, to: try SimTest.directory("ddf-cvr"))
    let table = try SimTest.read(files.data)
    let calendar = try SimTest.read(try #require(files.calendar)).rows.map { String($0[1]) }
    var clicks: [String: Int] = [:], buys: [String: Int] = [:]
    for row in table.rows where table.int(row, "click") == 1 {
      let occasion = calendar[table.int(row, "day")]
      clicks[occasion, default: 0] += 1
      buys[occasion, default: 0] += table.int(row, "potential_buy")
    }
    for name in DDFWorld.occasionNames {
      let group = try #require(files.summary.group(name))
      #expect(group.clicks == clicks[name] && group.clickedConversions == buys[name], "\(name)")
    }
    // Chi-square test of one CVR for all four occasions (3 degrees of freedom; 25 is p < 2e-5).
    let groups = files.summary.groups
    let pooled = Double(groups.reduce(0) { $0 + $1.clickedConversions }) / Double(groups.reduce(0) { $0 + $1.clicks })
    let chiSquare = groups.reduce(0.0) { sum, g in
      let expected = pooled * Double(g.clicks)
      let d = Double(g.clickedConversions) - expected
      return sum + d * d / expected + d * d / (Double(g.clicks) - expected)
    }
    #expect(chiSquare > 25, "\(groups.map { ($0.name, $0.clickCVR) })")
    let np = try #require(files.summary.group("NP")), bp = try #require(files.summary.group("BP"))
    let dp = try #require(files.summary.group("DP"))
    #expect(dp.clickCVR > np.clickCVR && np.clickCVR > bp.clickCVR)
    // BP users put items in the cart instead of buying.
    #expect(Double(bp.actions) / Double(bp.clicks) > 1.2 * bp.clickCVR)
  }

  /// hist_items / hist_cats / hist_brands have equal lengths per row, within
  /// max_length, and position j of the category list is the category of item j.
  @Test func sequencesAreAligned() throws {
    let files = try DDFWorld.write(Self.config, seed: 9, to: try SimTest.directory("ddf-seq"))
    let table = try SimTest.read(files.data)
    var categoryOf: [Substring: Substring] = [:], brandOf: [Substring: Substring] = [:]
    for row in table.rows {
      categoryOf[row[table.index("item_id")]] = row[table.index("item_category")]
      brandOf[row[table.index("item_id")]] = row[table.index("item_brand")]
    }
    var checked = 0
    for row in table.rows {
      let items = row[table.index("hist_items")].split(separator: "|")
      let cats = row[table.index("hist_cats")].split(separator: "|")
      let brands = row[table.index("hist_brands")].split(separator: "|")
      #expect(items.count == cats.count && items.count == brands.count)
      #expect(items.count >= 1 && items.count <= Self.config.sequenceLength)
      for (j, item) in items.enumerated() {
        if let c = categoryOf[item] {
          #expect(c == cats[j] && brandOf[item] == brands[j])
          checked += 1
        }
      }
    }
    #expect(checked > table.rows.count)
  }

  /// buy = 1 only for clicked eventual purchases seen before the log ends; a purchase
  /// after the end keeps buy = 0 with the hours watched in delay_hours.
  @Test func delayedConversionsAreHonest() throws {
    var config = Self.config
    config.days = 10
    config.promotions = 1
    config.exposuresPerDay = 400
    let files = try DDFWorld.write(config, seed: 21, to: try SimTest.directory("ddf-delay"))
    let table = try SimTest.read(files.data)
    let end = Double(config.days * 24)
    var unobserved = 0
    for row in table.rows {
      let click = table.int(row, "click"), buy = table.int(row, "buy"), potential = table.int(row, "potential_buy")
      let delay = table.double(row, "delay_hours"), trueDelay = table.double(row, "true_delay_hours")
      let start = Double(table.int(row, "day") * 24 + table.int(row, "hour"))
      if click == 0 {
        #expect(buy == 0 && delay == 0 && table.int(row, "cart") == 0)
      } else if buy == 1 {
        #expect(potential == 1 && abs(delay - trueDelay) < 0.011 && start + delay <= end + 1)
      } else {
        #expect(delay > 0 && delay <= end - start + 0.01)
        if potential == 1 {
          #expect(trueDelay > delay - 0.011)
          unobserved += 1
        }
      }
      let ctr = table.double(row, "true_ctr"), cvr = table.double(row, "true_cvr")
      #expect(ctr > 0 && ctr < 1 && cvr > 0 && cvr < 1)
    }
    #expect(unobserved > 0)
    let observed = files.summary.groups.reduce(0) { $0 + $1.observedConversions }
    let eventual = files.summary.groups.reduce(0) { $0 + $1.clickedConversions }
    #expect(observed + unobserved == eventual)
  }
}

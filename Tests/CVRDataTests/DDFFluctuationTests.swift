// DDFWorld's fluctuation knobs: deterministic per seed, random promotion dates
// that still nest BP → DP → AP in each block, an abrupt shift that leaves the
// days before it untouched, promotions that differ, labels censored at the
// training cut; and the named worlds' day splits.
import CVRData
import CVRSimulation
import Foundation
import Testing

@Suite struct DDFFluctuationTests {
  /// The tiny world (28 days, two 14-day blocks) with every knob on.
  static func config(_ f: DDFWorld.Fluctuation) -> DDFWorld.Config {
    var c = DDFWorld.Config.tiny
    c.exposuresPerDay = 400
    c.fluctuation = f
    return c
  }
  static let all = DDFWorld.Fluctuation(randomDates: true, promotionVariety: 0.6, shiftDay: 14, shiftRotation: 0.8,
                                        shiftPriceFactor: 1.5, shiftIntercept: [0.3, -0.3, 0.4, 0.2], censorDay: 21)

  @Test func sameSeedSameBytesAndRandomDatesNestInTheirBlocks() throws {
    let a = try DDFWorld.write(Self.config(Self.all), seed: 4, to: try SimTest.directory("fl-a"))
    let b = try DDFWorld.write(Self.config(Self.all), seed: 4, to: try SimTest.directory("fl-b"))
    #expect(try SimTest.bytes([a.data, a.schema, a.calendar]) == SimTest.bytes([b.data, b.schema, b.calendar]))
    var calendars: Set<[String]> = []
    for seed in UInt64(1)...6 {
      let files = try DDFWorld.write(Self.config(Self.all), seed: seed, to: try SimTest.directory("fl-cal\(seed)"))
      let days = try SimTest.read(try #require(files.calendar)).rows.map { String($0[1]) }
      calendars.insert(days)
      for block in 0..<2 {
        let part = Array(days[(block * 14)..<(block * 14 + 14)])
        // NP first and last, then one run of BP, one of DP, one of AP in that order.
        #expect(part.first == "NP" && part.last == "NP")
        var runs: [String] = []
        for d in part where d != "NP" && runs.last != d { runs.append(d) }
        #expect(runs == ["BP", "DP", "AP"], "seed \(seed) block \(block): \(part)")
        #expect(part.filter { $0 != "NP" }.count == (part.lastIndex { $0 != "NP" }! - part.firstIndex { $0 != "NP" }! + 1))
      }
    }
    #expect(calendars.count > 3, "random dates should differ between world seeds")
  }

  @Test func theShiftLeavesEarlierDaysAloneAndChangesLaterOnes() throws {
    var quiet = Self.all
    quiet.shiftDay = nil
    let shifted = try SimTest.read(try DDFWorld.write(Self.config(Self.all), seed: 9, to: try SimTest.directory("fl-s1")).data)
    let plain = try SimTest.read(try DDFWorld.write(Self.config(quiet), seed: 9, to: try SimTest.directory("fl-s2")).data)
    let before = { (t: SimTest.Table) in t.rows.filter { t.int($0, "day") < 14 }.map { $0.map(String.init) } }
    let after = { (t: SimTest.Table) in t.rows.filter { t.int($0, "day") >= 14 }.map { t.double($0, "true_cvr") } }
    #expect(before(shifted) == before(plain))
    #expect(after(shifted) != after(plain))
  }

  @Test func promotionsDifferWhenTheyVary() throws {
    // Mean true CVR of each promotion's DP rows: alike promotions (variety 0) are far
    // closer to each other than varied ones, over several world seeds.
    func spread(_ variety: Double) throws -> Double {
      var total = 0.0
      for seed in UInt64(1)...4 {
        var f = DDFWorld.Fluctuation.off
        f.promotionVariety = variety
        let files = try DDFWorld.write(Self.config(f), seed: seed, to: try SimTest.directory("fl-v\(seed)"))
        let t = try SimTest.read(files.data)
        var sums = [0.0, 0.0], counts = [0.0, 0.0]
        let calendar = try SimTest.read(try #require(files.calendar)).rows
        for row in t.rows {
          let day = t.int(row, "day")
          guard calendar[day][1] == "DP" else { continue }
          sums[day / 14] += log(t.double(row, "true_cvr")); counts[day / 14] += 1
        }
        total += abs(sums[0] / counts[0] - sums[1] / counts[1])
      }
      return total / 4
    }
    let alike = try spread(0), varied = try spread(0.6)
    print("mean |log CVR gap| between the two promotions' DP days: alike \(alike), varied \(varied)")
    #expect(varied > 2 * alike)
  }

  @Test func labelsBeforeTheCutAreCensoredThere() throws {
    let files = try DDFWorld.write(Self.config(Self.all), seed: 2, to: try SimTest.directory("fl-c"))
    let t = try SimTest.read(files.data)
    var censoredBeforeCut = 0
    for row in t.rows where t.int(row, "click") == 1 {
      let day = t.int(row, "day"), start = Double(day * 24 + t.int(row, "hour"))
      let end = Double((day < 21 ? 21 : 28) * 24)
      if t.int(row, "buy") == 1 {
        // Seen only if it happened by the cut (the click lies within its hour).
        #expect(start + t.double(row, "delay_hours") <= end + 1e-9)
      } else {
        #expect(t.double(row, "delay_hours") <= end - start + 1e-9)
        if t.int(row, "potential_buy") == 1 && day < 21 && day >= 14 { censoredBeforeCut += 1 }
      }
    }
    #expect(censoredBeforeCut > 0)
  }

  @Test func namedWorldsGenerateAndTheirSplitsFit() throws {
    #expect(DDFNamedWorld.all.map(\.name) == ["ddf", "ddf-5x", "ddf-fluctuation"])
    #expect(DDFNamedWorld.named("ddf")?.config == .small)
    for world in DDFNamedWorld.all {
      let ranges = try [world.train, world.recent, world.valid].map { try DayRange.parse($0, what: world.name) }
      #expect(Int(ranges[2].upper) == world.config.days - 1)
      #expect(ranges[1].upper == ranges[0].upper && ranges[2].lower == ranges[0].upper + 1)
      if let cut = world.config.fluctuation.censorDay { #expect(cut == Int(ranges[2].lower)) }
    }
  }
}

// DataInspection: funnel counts on a hand-built ColumnStore, checked against
// counts worked out by hand, and the table and JSON renderings.
import CVRData
import CVRIngest
import Foundation
import Testing

@Suite struct InspectionTests {
  //            row:  0  1  2  3  4  5  6  7  8  9
  static let click: [Float] = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0]
  static let buy: [Float] = [1, 0, 0, 1, 0, 0, 0, 0, 1, 0]
  static let day: [Int32] = [3, 3, 3, 4, 4, 6, 6, 6, 6, 6]
  static let occasion: [Int32] = [0, 0, 1, 1, 1, 2, 2, 0, 0, 0]

  static func column<T>(_ values: [T]) -> Column<T> {
    let buffer = ColumnBuffer(count: values.count, repeating: values[0])
    for (i, v) in values.enumerated() { buffer.storage[i] = v }
    return buffer.column()
  }

  static func store(withClicks: Bool = true) -> ColumnStore {
    var columns = [ColumnSpec("buy", role: .conversion), ColumnSpec("day", role: .day),
                   ColumnSpec("occasion", role: .occasion)]
    if withClicks { columns.insert(ColumnSpec("click", role: .click), at: 0) }
    var store = ColumnStore(schema: DataSchema(columns: columns), rowCount: 10)
    if withClicks { store.labels["click"] = column(click) }
    store.labels["buy"] = column(buy)
    store.days = column(day)
    store.occasions = column(occasion)
    store.occasionNames = ["BP", "DP", "AP", "NP"]
    return store
  }

  func expectCounts(_ c: FunnelCounts, _ rows: Int, _ clicks: Int, _ conversions: Int) {
    #expect(c.rows == rows && c.exposures == rows && c.clicks == clicks && c.conversions == conversions,
            "\(c) vs \(rows)/\(clicks)/\(conversions)")
  }

  @Test func countsByHand() {
    let report = DataInspection.summarize(
      Self.store(),
      splitRows: [SplitRowList(name: "train", rows: [0, 1, 2, 3, 4]), SplitRowList(name: "valid", rows: [5, 6, 7, 8, 9])])
    expectCounts(report.overall, 10, 5, 3)
    #expect(report.overall.ctr == 0.5 && report.overall.cvr == 0.6 && report.overall.ctcvr == 0.3)
    // Day 5 has no rows and is not listed.
    #expect(report.days.map(\.day) == [3, 4, 6])
    expectCounts(report.days[0].counts, 3, 2, 1)
    expectCounts(report.days[1].counts, 2, 1, 1)
    expectCounts(report.days[2].counts, 5, 2, 1)
    // Every named occasion is listed, NP with no rows and no rates.
    #expect(report.occasions.map(\.name) == ["BP", "DP", "AP", "NP"])
    expectCounts(report.occasions[0].counts, 5, 2, 2)
    expectCounts(report.occasions[1].counts, 3, 2, 1)
    expectCounts(report.occasions[2].counts, 2, 1, 0)
    expectCounts(report.occasions[3].counts, 0, 0, 0)
    #expect(report.occasions[3].counts.ctr == nil && report.occasions[3].counts.cvr == nil)
    #expect(report.occasions[2].counts.cvr == 0)
    #expect(report.splits.map(\.name) == ["train", "valid"])
    expectCounts(report.splits[0].counts, 5, 3, 2)
    expectCounts(report.splits[1].counts, 5, 2, 1)
  }

  @Test func clickSpaceHasNoExposures() {
    let report = DataInspection.summarize(Self.store(withClicks: false))
    #expect(report.overall.exposures == nil && report.overall.clicks == 10 && report.overall.conversions == 3)
    #expect(report.overall.ctr == nil && report.overall.ctcvr == nil && report.overall.cvr == 0.3)
    #expect(report.splits.isEmpty)
  }

  @Test func storeWithoutDaysOrOccasions() {
    var store = ColumnStore(schema: DataSchema(columns: [ColumnSpec("click", role: .click)]), rowCount: 10)
    store.labels["click"] = Self.column(Self.click)
    let report = DataInspection.summarize(store)
    #expect(report.days.isEmpty && report.occasions.isEmpty)
    #expect(report.overall.clicks == 5 && report.overall.conversions == 0 && report.overall.cvr == 0)
  }

  @Test func occasionCodesWithoutNamesAreListed() {
    var store = Self.store()
    store.occasionNames = ["BP"]
    let report = DataInspection.summarize(store)
    #expect(report.occasions.map(\.name) == ["BP", "code 1", "code 2"])
    expectCounts(report.occasions[1].counts, 3, 2, 1)
  }

  @Test func tableRendering() {
    let report = DataInspection.summarize(Self.store(), splitRows: [SplitRowList(name: "train", rows: [0, 1, 2])])
    let lines = report.table().split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("all ") && $0.hasSuffix("10         10       5            3  0.5000  0.6000  0.3000") },
            "\(lines)")
    #expect(lines.contains { $0.hasPrefix("NP ") && $0.hasSuffix("-       -       -") })
    #expect(lines.contains { $0.hasPrefix("day ") } && lines.contains { $0.hasPrefix("split ") })
    #expect(lines.contains { $0.hasPrefix("train ") && $0.hasSuffix("0.6667  0.5000  0.3333") })
  }

  @Test func jsonRoundTrips() throws {
    let report = DataInspection.summarize(Self.store(), splitRows: [SplitRowList(name: "train", rows: [0, 1])])
    let text = try report.json()
    #expect(text.contains("\"ctcvr\" : 0.3"))
    let back = try JSONDecoder().decode(InspectionReport.self, from: Data(text.utf8))
    #expect(back == report)
  }
}

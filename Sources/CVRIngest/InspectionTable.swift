// The inspection report as a plain-text table: one section each for overall,
// days, occasions and splits, columns right-aligned.
import CVRData
import Foundation

extension InspectionReport {
  /// The report as aligned plain text, e.g.
  /// ```
  /// overall      rows  exposures  clicks  conversions     CTR     CVR   CTCVR
  /// all          1000       1000     100           10  0.1000  0.1000  0.0100
  /// ```
  /// Unknown counts and rates print as "-".
  public func table() -> String {
    var sections = [Self.section("overall", [("all", overall)])]
    if !days.isEmpty { sections.append(Self.section("day", days.map { (String($0.day), $0.counts) })) }
    if !occasions.isEmpty { sections.append(Self.section("occasion", occasions.map { ($0.name, $0.counts) })) }
    if !splits.isEmpty { sections.append(Self.section("split", splits.map { ($0.name, $0.counts) })) }
    return sections.joined(separator: "\n")
  }

  private static func section(_ title: String, _ rows: [(String, FunnelCounts)]) -> String {
    let header = [title, "rows", "exposures", "clicks", "conversions", "CTR", "CVR", "CTCVR"]
    func rate(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }
    let cells = [header] + rows.map { name, c in
      [name, String(c.rows), c.exposures.map(String.init) ?? "-", String(c.clicks), String(c.conversions),
       rate(c.ctr), rate(c.cvr), rate(c.ctcvr)]
    }
    var widths = [Int](repeating: 0, count: header.count)
    for line in cells { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) } }
    return cells.map { line in
      line.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: widths[i] - cell.count)
        return i == 0 ? cell + pad : pad + cell  // names left, numbers right
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }
}

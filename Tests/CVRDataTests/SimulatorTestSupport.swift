// Helpers for the simulator tests: a fresh temporary directory and a tiny CSV
// splitter (the simulators never quote fields, so splitting on "," is exact).
import CVRTestSupport
import Foundation

enum SimTest {
  /// A new empty directory (under the test run's scratch root, removed at exit).
  static func directory(_ label: String) throws -> URL {
    let url = try scratchDirectory().appendingPathComponent(label, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The header and the rows of a simulator's CSV, each row as its fields.
  struct Table {
    let header: [String]
    let rows: [[Substring]]

    func index(_ name: String) -> Int { header.firstIndex(of: name)! }
    func double(_ row: [Substring], _ name: String) -> Double { Double(row[index(name)])! }
    func int(_ row: [Substring], _ name: String) -> Int { Int(row[index(name)])! }
  }

  static func read(_ url: URL) throws -> Table {
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    return Table(header: header, rows: Array(rows))
  }

  /// The files' bytes, for byte-for-byte comparisons.
  static func bytes(_ urls: [URL?]) throws -> [Data] {
    try urls.compactMap { $0 }.map { try Data(contentsOf: $0) }
  }

  /// Two-proportion z statistic for rates a/n and b/m.
  static func zScore(_ a: Int, _ n: Int, _ b: Int, _ m: Int) -> Double {
    let p1 = Double(a) / Double(n), p2 = Double(b) / Double(m)
    let p = Double(a + b) / Double(n + m)
    return (p1 - p2) / (p * (1 - p) * (1 / Double(n) + 1 / Double(m))).squareRoot()
  }
}

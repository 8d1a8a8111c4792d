// `cvr debias simulate` as a user runs it: the three files, metrics.json
// byte-identical for the same seed, and bad flags refused with exit 64 and
// nothing written.
import CVRTestSupport
import Foundation
import Testing

@Suite struct DebiasSimulateCLITests {
  static let small = ["--draws", "20", "--rows", "300", "--seed", "3"]

  @Test func writesTheFilesAndIsReproducible() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b"), c = dir.appendingPathComponent("c")
    for (out, seed) in [(a, "3"), (b, "3"), (c, "4")] {
      var arguments = ["debias", "simulate", "--out", out.path] + Self.small
      arguments[arguments.count - 1] = seed
      let run = try BuiltTool.run("cvr", arguments)
      #expect(run.status == 0, "\(run.output)")
    }
    #expect(try entries(of: a) == ["metrics.json", "report.md", "rmse.svg"])
    let first = try Data(contentsOf: a.appendingPathComponent("metrics.json"))
    #expect(first == (try Data(contentsOf: b.appendingPathComponent("metrics.json"))))
    #expect(first != (try Data(contentsOf: c.appendingPathComponent("metrics.json"))), "the seed must matter")
    let report = try String(contentsOf: a.appendingPathComponent("report.md"), encoding: .utf8)
    for floor in ["0.01", "0.05", "0.1"] { #expect(report.contains("## Propensity floor \(floor)")) }
    #expect(report.contains("| stabledr | rough |"))
    let svg = try String(contentsOf: a.appendingPathComponent("rmse.svg"), encoding: .utf8)
    #expect(svg.contains("<svg ") && svg.contains("Propensity floor") && svg.contains("pvdr(0.5)"))
  }

  @Test(arguments: [
    (["--draws", "0"], "--draws 0: need at least 2 draws"),
    (["--draws", "1"], "--draws 1: need at least 2 draws"),
    (["--rows", "9"], "--rows 9: need at least 10 rows per draw"),
  ])
  func refusesBadFlags(_ flags: [String], _ message: String) throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("study")
    let run = try BuiltTool.run("cvr", ["debias", "simulate", "--out", out.path] + flags)
    #expect(run.status == 64, "\(run.output)")
    #expect(run.stderr.contains(message), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }
}

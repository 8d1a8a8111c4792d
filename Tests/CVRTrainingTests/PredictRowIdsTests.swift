// `cvr predict --skip-bad-rows`: the row column is the input's own 0-based data
// row, so scores after a skipped row still join to the row they score (it used
// to renumber every later row). Runs the built `cvr` next to the test bundle.
import CVRModels
import CVRServing
import CVRTestSupport
import Foundation
import Testing

@Suite struct PredictRowIdsTests {
  let fixture = TrainingFixture.shared


  /// Runs `cvr` and returns its exit status and standard error.
  static func cvr(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
    let run = try BuiltTool.run("cvr", arguments)
    return (run.status, run.stderr)
  }

  /// The `row` → `score` pairs of a score CSV, in file order.
  func scores(_ url: URL) throws -> [(row: Int, score: String)] {
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
    return lines.map { line in
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      return (Int(fields[0])!, String(fields.last!))
    }
  }

  @Test func rowIdsAfterASkippedRowAreTheInputsOwn() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let model = try LogisticRegressionModel(plan: fixture.plan, config: .init(occasionDim: 3), seed: 3)
    let checkpoint = directory.appendingPathComponent("lr.ckpt")
    try ModelBundle.save(model, displayName: "LR", schema: fixture.schema, normalizer: fixture.normalizer,
                         seed: 3, to: checkpoint)
    // 40 rows spread over the days, with conversions (a constant label next to a
    // constant feature would be refused as leakage).
    let lines = try String(contentsOf: fixture.files.data, encoding: .utf8).split(separator: "\n")
    let header = lines.first!, all = Array(lines.dropFirst())
    let buy = try #require(header.split(separator: ",").firstIndex(of: "buy"))
    let buyers = all.filter { $0.split(separator: ",", omittingEmptySubsequences: false)[buy] == "1" }.prefix(4)
    let rows = Array(buyers) + stride(from: 0, to: all.count, by: all.count / 36).prefix(36).map { all[$0] }
    #expect(rows.count == 40)
    let clean = directory.appendingPathComponent("clean.csv"), bad = directory.appendingPathComponent("bad.csv")
    try Data(([header] + rows).joined(separator: "\n").appending("\n").utf8).write(to: clean)
    // Data row 10 (file line 12) is bad; the input's rows 11…40 are clean's rows 10…39.
    let withBad = [header] + rows[..<10] + ["not,a,row"] + rows[10...]
    try Data(withBad.joined(separator: "\n").appending("\n").utf8).write(to: bad)

    func predict(_ data: URL, _ out: String) throws -> (URL, String) {
      let url = directory.appendingPathComponent(out)
      let run = try Self.cvr(["predict", "--checkpoint", checkpoint.path, "--data", data.path,
                              "--schema", fixture.files.schema.path, "--out", url.path, "--skip-bad-rows"])
      #expect(run.status == 0, "\(run.stderr)")
      return (url, run.stderr)
    }
    let reference = try scores(predict(clean, "clean-scores.csv").0)
    #expect(reference.map(\.row) == Array(0..<40))
    #expect(Set(reference.map(\.score)).count > 5)
    let (skippedURL, warning) = try predict(bad, "bad-scores.csv")
    #expect(warning.contains("warning: skipped 1 bad rows") && warning.contains("bad.csv:12"), "\(warning)")
    let skipped = try scores(skippedURL)
    #expect(skipped.map(\.row) == Array(0..<10) + Array(11...40))
    for (row, score) in skipped {
      #expect(score == reference[row < 10 ? row : row - 1].score, "input row \(row) joined to another row's score")
    }
    // The second load comes from the cache, which keeps no row numbers: the same ids.
    let again = try scores(predict(bad, "again-scores.csv").0)
    #expect(again.map(\.row) == skipped.map(\.row) && again.map(\.score) == skipped.map(\.score))
  }
}

// One day-range grammar: the shared flag type reads exactly what
// `DayRange.parse` reads, and both executables that take day ranges
// (`cvr data inspect`, `train-metacvr`) accept and reject the same strings.
import ArgumentParser
import CVRCommandLine
import CVRData
import CVRTestSupport
import Foundation
import Testing

let dayRangeSamples = [
  "0-55", "7", " 7 ", "3..9", "2024-01-15..2024-03-15", "0-0",
  "9-3", "a-b", "1-2-3", "", "-4", "2024-02-30..2024-03-01", "2024-01-15", "0x10-20", "1.5-3",
]

@Suite struct DayRangeGrammarTests {
  @Test(arguments: dayRangeSamples)
  func theFlagReadsWhatTheParserReads(_ text: String) {
    let parsed = try? DayRange.parse(text, what: "--train-days")
    let flag = try? SplitDaysOptions.parse(["--train-days", text])
    #expect((flag != nil) == (parsed != nil), "'\(text)': parser \(parsed.map(\.description) ?? "rejects"), flag differs")
    if let parsed, let flag { #expect(flag.trainDays?.range == parsed) }
  }

  /// Exit status 64 (usage) means the flag was rejected while parsing; anything
  /// else means it was accepted and the run failed later (no such data file).
  @Test func bothExecutablesAgree() throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-days-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let common = ["--recent-days", "1-2", "--valid-days", "3-4", "--data", "/nonexistent/data.csv",
                  "--schema", "/nonexistent/schema.yaml"]
    for text in dayRangeSamples {
      let inspect = try BuiltTool.run("cvr", ["data", "inspect", "--train-days", text] + common).status
      let trainer = try BuiltTool.run("train-metacvr", ["--train-days", text, "--out", scratch.path, "--quiet"] + common).status
      let expected = (try? DayRange.parse(text, what: "x")) != nil
      #expect((inspect != 64) == expected, "cvr data inspect on '\(text)': status \(inspect)")
      #expect((trainer != 64) == expected, "train-metacvr on '\(text)': status \(trainer)")
    }
  }
}

// Ali-CCP: the converter reproduces the hand-written processed fixture, each
// malformed raw line is reported with its file:line:column, and the preset validates.
import CVRData
import CVRIngest
import Foundation
import Testing

@Suite struct AliCCPTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/aliccp")

  /// A fresh directory for one test's files.
  static func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("aliccp-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func convertsFixtureExactly() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("train.csv")
    let report = try AliCCP.convert(
      skeleton: Self.fixtures.appendingPathComponent("sample_skeleton_train.csv"),
      common: Self.fixtures.appendingPathComponent("common_features_train.csv"), to: out)
    let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("processed_train.csv"), encoding: .utf8)
    #expect(try String(contentsOf: out, encoding: .utf8) == expected)
    #expect(report.rows == 4)
    #expect(report.commonEntries == 2)
    // 129 is absent from common entry B (rows 2 and 4); row 3 lacks five item-side fields.
    #expect(report.missing["129"] == 2)
    #expect(report.missing["216"] == 1 && report.missing["853"] == 1)
    #expect(report.missing["101"] == 0)
    // Dropped: 109_14 ×2, 150_14, 110_14, 127_14 in common; 210 ×3 in the skeleton.
    #expect(report.droppedEntries == 8)
    // Output of the converter reads back under the preset schema's header.
    #expect(expected.split(separator: "\n").first.map(String.init) == AliCCP.header)
  }

  /// Writes `skeleton` and `common` lines (with \u{1}\u{2}\u{3} separators), converts,
  /// and returns the error's description.
  func conversionError(skeleton: [String], common: [String]) throws -> String {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let s = dir.appendingPathComponent("sample_skeleton_x.csv")
    let c = dir.appendingPathComponent("common_features_x.csv")
    try Data(skeleton.map { $0 + "\n" }.joined().utf8).write(to: s)
    try Data(common.map { $0 + "\n" }.joined().utf8).write(to: c)
    let out = dir.appendingPathComponent("out.csv")
    do {
      try AliCCP.convert(skeleton: s, common: c, to: out)
    } catch let error as AliCCPError {
      // Nothing half-written on failure.
      #expect(!FileManager.default.fileExists(atPath: out.path))
      let file = error.file.hasSuffix("sample_skeleton_x.csv") ? "S" : "C"
      return "\(file):\(error.line):\(error.column): \(error.reason)"
    }
    Issue.record("conversion succeeded")
    return ""
  }

  static let goodCommon = "k1,2,101\u{2}7\u{3}1.0\u{1}109_14\u{2}9\u{3}0.5"
  static let goodSample = "1,1,0,k1,1,205\u{2}3\u{3}1.0"

  @Test func goodLinesConvert() throws {
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let s = dir.appendingPathComponent("s.csv"), c = dir.appendingPathComponent("c.csv")
    try Data((Self.goodSample + "\r\n").utf8).write(to: s)
    try Data((Self.goodCommon + "\n").utf8).write(to: c)
    let out = dir.appendingPathComponent("o.csv")
    try AliCCP.convert(skeleton: s, common: c, to: out)
    let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines[1] == "7,0,0,0,0,0,0,0,0,3,0,0,0,0,0,0,0,0,1,0")
  }

  @Test(arguments: [
    // Wrong number of columns.
    ([goodSample, "2,1,0,k1,1"], [goodCommon], "S:2:line: expected 6 comma-separated columns"),
    (["3,1,0,k1,1,205\u{2}3\u{3}1.0,x"], [goodCommon], "S:1:line: expected 6 comma-separated columns"),
    ([goodSample], ["k2,1"], "C:1:line: expected 3 comma-separated columns"),
    // Labels and counts.
    (["1,2,0,k1,1,205\u{2}3\u{3}1.0"], [goodCommon], "S:1:click: expected a 0/1 label, got \"2\""),
    (["1,1,,k1,1,205\u{2}3\u{3}1.0"], [goodCommon], "S:1:conversion: expected a 0/1 label"),
    (["1,1,0,k1,x,205\u{2}3\u{3}1.0"], [goodCommon], "S:1:feature_count: expected an integer"),
    (["1,1,0,k1,2,205\u{2}3\u{3}1.0"], [goodCommon], "S:1:feature_count: feature_count is 2 but the list has 1"),
    // Entry encoding.
    (["1,1,0,k1,1,205\u{3}3\u{2}1.0"], [goodCommon], "S:1:feature_list: entry 1 \"205\\x033\\x021.0\": 0x03 before 0x02"),
    (["1,1,0,k1,1,2053\u{3}1.0"], [goodCommon], "S:1:feature_list: entry 1 \"2053\\x031.0\": 0x03 before 0x02"),
    (["1,1,0,k1,1,205\u{2}3"], [goodCommon], "S:1:feature_list: entry 1 \"205\\x023\": not field_id"),
    (["1,1,0,k1,1,\u{2}3\u{3}1"], [goodCommon], "S:1:feature_list: entry 1 \"\\x023\\x031\": empty field id"),
    (["1,1,0,k1,1,205\u{2}\u{3}1"], [goodCommon], "S:1:feature_list: entry 1 \"205\\x02\\x031\": empty feature id"),
    (["1,1,0,k1,1,205\u{2}3\u{3}"], [goodCommon], "S:1:feature_list: entry 1 \"205\\x023\\x03\": empty value"),
    (["1,1,0,k1,1,205\u{2}3\u{2}4\u{3}1"], [goodCommon], "S:1:feature_list: entry 1 \"205\\x023\\x024\\x031\": a second 0x02"),
    ([goodSample], ["k1,1,101\u{2}7\u{3}1\u{3}2"], "C:1:feature_list: entry 1 \"101\\x027\\x031\\x032\": a second 0x03"),
    // Joins and duplicates.
    (["1,1,0,k9,1,205\u{2}3\u{3}1.0"], [goodCommon], "S:1:common_feature_index: common_feature_index \"k9\" is not in"),
    (["1,1,0,k1,2,205\u{2}3\u{3}1\u{1}205\u{2}4\u{3}1"], [goodCommon], "S:1:feature_list: field 205 appears twice"),
    (["1,1,0,k1,1,101\u{2}3\u{3}1"], [goodCommon], "S:1:feature_list: field 101 is both in the sample and in common"),
    ([goodSample], [goodCommon, goodCommon], "C:2:common_feature_index: common_feature_index k1 appears a second time"),
  ])
  func malformedLinesAreReported(skeleton: [String], common: [String], expected: String) throws {
    let message = try conversionError(skeleton: skeleton, common: common)
    #expect(message.hasPrefix(expected), "got: \(message)")
  }

  @Test func errorDescriptionNamesFileLineAndColumn() {
    let error = AliCCPError(file: "/d/sample_skeleton_train.csv", line: 12, column: "feature_list", reason: "bad")
    #expect(error.description == "/d/sample_skeleton_train.csv:12:feature_list: bad")
  }

  @Test func presetValidatesAndMatchesTheHeader() throws {
    let schema = AliCCP.processedSchema(hashBuckets: 1000, dim: 5)
    try schema.validate()
    #expect(schema.columns.map(\.name).joined(separator: ",") == AliCCP.header)
    #expect(schema.columns(.sparse).count == 18)
    #expect(schema.columns(.click).map(\.name) == ["click"])
    #expect(schema.columns(.conversion).map(\.name) == ["purchase"])
    #expect(schema.column("101")?.group == .user && schema.column("205")?.group == .item)
    #expect(schema.column("508")?.group == .interaction && schema.column("301")?.group == .context)
    let shared = AliCCP.processedSchema(hashBuckets: 737_946, dim: 5, sharedTable: "features")
    try shared.validate()
    #expect(Set(shared.columns(.sparse).map(\.tableName)) == ["features"])
    // The preset survives the schema file round trip.
    #expect(try DataSchema.parse(try schema.yaml()) == schema)
  }
}

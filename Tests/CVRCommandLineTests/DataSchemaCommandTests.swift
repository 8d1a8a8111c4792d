// `cvr data schema`: the AliExpress preset with --group, read back by
// `cvr data inspect`; a bad --group is a usage error and writes nothing.
import CVRTestSupport
import Foundation
import Testing

@Suite struct DataSchemaCommandTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../CVRDataTests/Fixtures/aliexpress/sample.csv").standardized

  @Test func aliExpressPresetWithGroupsIsReadable() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-preset-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let schema = dir.appendingPathComponent("schema.yaml").path
    let data = dir.appendingPathComponent("sample.csv")
    try FileManager.default.copyItem(at: Self.fixture, to: data)
    let (status, output) = try Self.cvr(["data", "schema", "--preset", "aliexpress", "--data", data.path, "--out", schema,
                                          "--group", "categorical_1-8=user", "--group", "categorical_9-16,numerical_1=item"])
    #expect(status == 0, "\(output)")
    #expect(output.contains("79 features (context 62, item 9, user 8)"), "\(output)")
    let text = try String(contentsOfFile: schema, encoding: .utf8)
    #expect(text.contains("group: user"))
    let (inspect, report) = try Self.cvr(["data", "inspect", "--data", data.path, "--schema", schema])
    #expect(inspect == 0, "\(report)")

    let bad = dir.appendingPathComponent("bad.yaml").path
    let (usage, message) = try Self.cvr(["data", "schema", "--preset", "aliexpress", "--data", data.path, "--out", bad,
                                         "--group", "categorical_1=boss"])
    #expect(usage == 64)
    #expect(message.contains("--group 'categorical_1=boss': expected COLUMNS=GROUP"), "\(message)")
    #expect(!FileManager.default.fileExists(atPath: bad))
  }

  /// `cvr` with both streams together (the messages checked may go to either).
  static func cvr(_ arguments: [String]) throws -> (Int32, String) {
    let run = try BuiltTool.run("cvr", arguments)
    return (run.status, run.output)
  }
}

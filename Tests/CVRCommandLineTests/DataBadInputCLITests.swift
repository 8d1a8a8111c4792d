// `cvr data inspect` on bad data and schema input: exit status 1, one plain
// message on stderr naming the file (and line), no backtrace, no cache left.
import CVRTestSupport
import Foundation
import Testing

@Suite struct DataBadInputCLITests {
  static let schema = """
    columns:
      - {name: day, role: day}
      - {name: x, role: dense, normalize: log}
      - {name: click, role: click}
      - {name: buy, role: conversion}
    """

  @Test(arguments: [
    // (schema, data, expected stderr fragment, with SCHEMA and DATA standing for the paths)
    (schema.replacingOccurrences(of: "columns:", with: "colums:"), "day,x,click,buy\n1,1,0,0\n",
     "Error: SCHEMA:1: unknown schema key 'colums'"),
    (schema.replacingOccurrences(of: "normalize: log", with: "normalize: log, vocab: 9"), "day,x,click,buy\n1,1,0,0\n",
     "Error: SCHEMA:3: column 'x': 'vocab' does not apply to a dense column"),
    (schema, "day,x,click,buy\n", "Error: DATA: no data rows: the file has only its header line"),
    (schema, "day,x,click,buy\n1,1,0,0\n2024-01-01,1,0,0\n", "Error: DATA:3:day: '2024-01-01' is a date"),
    (schema, "day,x,click,buy\n1,0x10,0,0\n", "Error: DATA:2:x: '0x10' is not a decimal number"),
    (schema, "day,x,click,buy\n1,-2,0,0\n", "Error: DATA:2:x: '-2' is negative, and the column has normalize: log"),
    (schema, "day,x,click,buy\n1,1,1,1\n1,1,0,1\n", "Error: DATA:3:buy: 1 row has buy = 1 but click = 0"),
    (schema, "day,x,click,buy\n1,\u{1B}[31m\u{0},0,0\n", "Error: DATA:2:x: '\\x1B[31m\\x00' is not a decimal number"),
  ])
  func inspectRefusesBadInput(_ schema: String, _ data: String, _ expected: String) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let schemaURL = dir.appendingPathComponent("schema.yaml"), dataURL = dir.appendingPathComponent("data.csv")
    try Data(schema.utf8).write(to: schemaURL)
    try Data(data.utf8).write(to: dataURL)
    let (status, stderr) = try Self.inspect(data: dataURL.path, schema: schemaURL.path)
    #expect(status == 1, "\(stderr)")
    let message = expected.replacingOccurrences(of: "SCHEMA", with: schemaURL.path)
      .replacingOccurrences(of: "DATA", with: dataURL.path)
    #expect(stderr.hasPrefix(message), "\(stderr)")
    #expect(stderr.split(separator: "\n").count <= 2, "\(stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".cvrcache/data.csv.cvrcols").path))
  }

  @Test func unreadableFilesNameTheirPath() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let schemaURL = dir.appendingPathComponent("schema.yaml")
    try Data(Self.schema.utf8).write(to: schemaURL)
    let missing = dir.appendingPathComponent("nope.csv").path
    let (status, stderr) = try Self.inspect(data: missing, schema: schemaURL.path)
    #expect(status == 1)
    #expect(stderr == "Error: cannot read \(missing): No such file or directory\n")
    let (status2, stderr2) = try Self.inspect(data: missing, schema: dir.path)
    #expect(status2 == 1)
    #expect(stderr2 == "Error: cannot read \(dir.path): it is a directory\n")
  }

  @Test func outputDirectoriesFailInPlainWordsAndOnlyAfterTheInputs() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-bad-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("afile")
    try Data("x".utf8).write(to: file)
    let (status, output) = try DataSchemaCommandTests.cvr(["data", "generate", "--world", "ddf", "--out", file.path + "/sub"])
    #expect(status == 1)
    #expect(output == "Error: cannot create directory \(file.path)/sub: \(file.path) is a file, not a directory\n", "\(output)")
    let missing = dir.appendingPathComponent("skeleton.csv").path
    let out = dir.appendingPathComponent("new/x.csv")
    let (status2, output2) = try DataSchemaCommandTests.cvr(["data", "convert", "--format", "aliccp", "--skeleton", missing,
                                                            "--common", missing, "--out", out.path])
    #expect(status2 == 1)
    #expect(output2 == "Error: cannot read \(missing): No such file or directory\n", "\(output2)")
    #expect(!FileManager.default.fileExists(atPath: out.deletingLastPathComponent().path), "a failed convert created --out's directory")
  }

  /// `cvr data inspect` and its standard error.
  static func inspect(data: String, schema: String) throws -> (Int32, String) {
    let run = try BuiltTool.run("cvr", ["data", "inspect", "--data", data, "--schema", schema])
    return (run.status, run.stderr)
  }
}

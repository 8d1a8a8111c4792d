// What the server tests share: the tiny DDF world (without its calendar, so
// XGBoost reads no occasion), saved models of several kinds, request bodies
// built from the data file's own lines, and a server on an ephemeral
// loopback port.
import CVRCore
import CVRData
import CVRHTTPServing
import CVRIngest
import CVRLoopbackClient
import CVRModels
import CVRServing
import CVRSimulation
import CVRTestSupport
import CVRXGBoost
import Foundation

/// The world, its rows as CSV fields, and bundles saved from it.
final class ServeFixture: @unchecked Sendable {
  let directory: URL
  let schema: DataSchema
  let schemaURL: URL
  let dataURL: URL
  let store: ColumnStore
  let normalizer: DenseNormalizer
  let assembler: BatchAssembler
  /// The data file's header names and its lines' fields, in file order.
  let header: [String]
  let lines: [[String]]

  static let shared: ServeFixture = {
    do { return try ServeFixture() } catch { fatalError("ServeFixture: \(error)") }
  }()

  private init() throws {
    directory = try scratchDirectory()
    let files = try DDFWorld.write(.tiny, seed: 5, to: directory)
    var schema = try DataSchema.load(from: files.schema)
    schema.calendar = nil
    self.schema = schema
    schemaURL = directory.appendingPathComponent("schema-nocalendar.yaml")
    try schema.yaml().write(to: schemaURL, atomically: true, encoding: .utf8)
    dataURL = files.data
    store = try DataIngest.load(files.data, schema: schema, schemaDirectory: directory,
                                options: .init(useCache: false)).store
    normalizer = try DenseNormalizer(store: store, rows: (0..<Int32(store.rowCount)).map { $0 })
    assembler = try BatchAssembler(store: store, normalizer: normalizer)
    let text = try String(contentsOf: files.data, encoding: .utf8)
    var all = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    header = all.removeFirst()
    lines = all
  }

  /// A fresh model of `kind` (demo preset) saved under `name`; nil when the kind cannot be built on this world.
  func saveNetwork(_ kind: String, seed: UInt64, name: String) throws -> URL? {
    guard let entry = ModelKinds.named(kind), let build = entry.build else { return nil }
    let model: any CVRModel
    do { model = try build(ModelBuildRequest(name: kind, plan: FeaturePlan(schema: schema), preset: .demo, seed: seed)) } catch {
      return nil
    }
    let url = directory.appendingPathComponent("\(name).ckpt")
    try ModelBundle.save(model, displayName: kind, schema: schema, normalizer: normalizer, seed: seed, to: url)
    return url
  }

  func saveXGBoost(name: String) throws -> URL {
    var parameters = XGBoostParameters()
    parameters.rounds = 5
    let rows = (0..<Int32(store.rowCount)).filter { store.clicks![Int($0)] > 0.5 }
    let predictor = try XGBoostRunner(parameters: parameters).train(assembler: assembler, rows: rows)
    let url = directory.appendingPathComponent("\(name).xgb")
    try ModelBundle.save(predictor, displayName: "XGBoost", schema: schema, normalizer: normalizer, to: url)
    return url
  }

  /// How a row's values are written in a request.
  enum Style { case strings, numbers }

  /// The JSON value of input `spec` in data line `line`.
  func value(_ spec: ColumnSpec, line: Int, style: Style) -> String {
    let text = lines[line][header.firstIndex(of: spec.name)!]
    switch (style, spec.role) {
    case (.numbers, .sequence), (.numbers, .multi):
      let items = text.isEmpty ? [] : text.split(separator: Character(spec.separator ?? "|")).map(String.init)
      return "[" + items.joined(separator: ",") + "]"
    case (.numbers, _): return text
    default: return "\"" + text + "\""
    }
  }

  /// `{"instances": [{column: value}, …]}` of `lines`.
  func instances(_ lines: [Int], inputs: [ColumnSpec], style: Style = .strings) -> String {
    let rows = lines.map { line in
      "{" + inputs.map { "\"\($0.name)\":" + value($0, line: line, style: style) }.joined(separator: ",") + "}"
    }
    return "{\"instances\":[" + rows.joined(separator: ",") + "]}"
  }

  /// `{"inputs": {column: [values]}}` of `lines`.
  func columns(_ lines: [Int], inputs: [ColumnSpec], style: Style = .numbers) -> String {
    let cols = inputs.map { spec in
      "\"\(spec.name)\":[" + lines.map { value(spec, line: $0, style: style) }.joined(separator: ",") + "]"
    }
    return "{\"inputs\":{" + cols.joined(separator: ",") + "}}"
  }

  /// A KServe v2 infer body of `lines`.
  func infer(_ lines: [Int], inputs: [ColumnSpec], style: Style = .numbers) -> String {
    let tensors = inputs.map { spec in
      "{\"name\":\"\(spec.name)\",\"datatype\":\"\(spec.role == .dense ? "FP32" : "BYTES")\",\"shape\":[\(lines.count)],\"data\":["
        + lines.map { value(spec, line: $0, style: style) }.joined(separator: ",") + "]}"
    }
    return "{\"id\":\"t1\",\"inputs\":[" + tensors.joined(separator: ",") + "]}"
  }
}

/// `cvr serve` as a child process on 127.0.0.1 with an ephemeral port, as a
/// user runs it (a server in the test process would compete with the blocking
/// test clients for the concurrency pool's threads); `stop()` sends SIGTERM.
final class RunningServer: @unchecked Sendable {
  private let process = Process()
  private(set) var port = 0
  private let fixture = ServeFixture.shared

  init(_ models: [(String, String)], arguments: [String] = ServeFixture.testArguments) throws {
    process.executableURL = try BuiltTool.url("cvr")
    process.arguments = ["serve", "--port", "0", "--schema", fixture.schemaURL.path]
      + models.flatMap { ["--model", "\($0.0)=\($0.1)"] } + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    var seen = Data()
    let deadline = Date().addingTimeInterval(120)
    while port == 0 {
      let chunk = out.fileHandleForReading.availableData
      guard !chunk.isEmpty, Date() < deadline else {
        throw HTTPClientError(description: "cvr serve did not start: \(String(decoding: seen, as: UTF8.self))")
      }
      seen.append(chunk)
      let text = String(decoding: seen, as: UTF8.self)
      if let range = text.range(of: "127.0.0.1:") { port = Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0 }
    }
  }

  func client() -> LoopbackHTTPClient { LoopbackHTTPClient(port: port) }

  /// The request columns of model `name`, from its KServe metadata.
  func inputs(_ name: String) throws -> [ColumnSpec] {
    let meta = try JSONValue.parse(client().get("/v2/models/\(name)").text)
    guard case .array(let list)? = meta["inputs"] else { throw HTTPClientError(description: "no metadata for \(name)") }
    return list.compactMap { item in
      if case .string(let column)? = item["name"] { return fixture.schema.column(column) }
      return nil
    }
  }

  func metrics() throws -> String { try client().get("/metrics").text }

  func stop() {
    process.terminate()
    process.waitUntilExit()
  }
}

extension ServeFixture {
  /// Small limits, so the 413 cases need small bodies.
  static let testLimits: ServeLimits = {
    var limits = ServeLimits()
    limits.maxRowsPerRequest = 200
    limits.maxBodyBytes = 256 << 10
    limits.workers = 2
    return limits
  }()

  /// The same limits as `cvr serve` flags.
  static let testArguments = ["--max-rows", "200", "--max-body-bytes", String(256 << 10), "--workers", "2"]
}

/// The numbers of a JSON array at `path` (object keys; "*k" maps an array of objects to their member k).
func numbers(_ text: String, _ path: String...) throws -> [Double] {
  var value = try JSONValue.parse(text)
  for key in path {
    if key.hasPrefix("*"), case .array(let items) = value {
      value = .array(items.map { $0[String(key.dropFirst())] ?? .null })
    } else {
      value = value[key] ?? .null
    }
  }
  guard case .array(let items) = value else { return [] }
  return items.map { $0.doubleValue ?? .nan }
}

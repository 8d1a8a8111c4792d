// `make bench-serve`: throughput and latency of `cvr serve` on loopback at 1, 8
// and 64 connections for 1-row and 100-row requests, beside the offline
// scoring rate of the same model (`cvr predict`'s path, in process, and the
// whole `cvr predict` command). The server is the release `cvr` binary next
// to this one, started as a child process; the clients are threads here, each
// with one keep-alive connection (CVRLoopbackClient). Both share the machine's
// cores: on a 2-core machine the figures are the server's under a client that
// costs about as much as it. With --fuzz-requests N (`make fuzz-serve`) it
// sends N mutated and random bodies instead and fails on any 5xx or lost answer.
import ArgumentParser
import CVRCore
import CVRData
import CVRHTTPServing
import CVRIngest
import CVRKernels
import CVRLoopbackClient
import CVRModels
import CVRServing
import CVRSimulation
import Foundation

@main
struct ServeBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve-bench", abstract: "Load benchmark of cvr serve beside offline scoring.")

  @Option(help: "Model kind to serve (a fresh demo-preset model of the table).") var kind = "DCN"
  @Option(help: "Seconds measured per case (after 0.5 s of warm-up).") var seconds = 4.0
  @Option(help: "Connection counts, comma-separated.") var connections = "1,8,64"
  @Option(help: "Rows per request, comma-separated.") var rows = "1,100"
  @Option(help: "Server scoring workers.") var workers = 2
  @Option(help: "Server --max-batch-wait-ms.") var maxBatchWaitMs = 1.0
  @Option(help: "Seed of the world and the model.") var seed: UInt64 = 1
  @Option(help: "Where the JSON of the figures goes.") var out = ".build/bench-serve.json"
  @Option(help: "Fuzz instead of load: this many mutated and random bodies (make fuzz-serve: 100000).")
  var fuzzRequests = 0
  @Option(help: "Fuzz connections (threads).") var fuzzConnections = 4

  func run() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("serve-bench-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = try DDFWorld.write(.tiny, seed: seed, to: directory)
    var schema = try DataSchema.load(from: files.schema)
    schema.calendar = nil  // requests carry no occasion
    let schemaURL = directory.appendingPathComponent("schema.yaml")
    try schema.yaml().write(to: schemaURL, atomically: true, encoding: .utf8)
    let store = try DataIngest.load(files.data, schema: schema, schemaDirectory: directory, options: .init(useCache: false)).store
    let all = (0..<Int32(store.rowCount)).map { $0 }
    let normalizer = try DenseNormalizer(store: store, rows: all)
    guard let build = ModelKinds.named(kind)?.build else { throw ValidationError("no buildable kind \(kind)") }
    let model = try build(ModelBuildRequest(name: kind, plan: FeaturePlan(schema: schema), preset: .demo, seed: seed))
    let checkpoint = directory.appendingPathComponent("model.ckpt")
    try ModelBundle.save(model, displayName: kind, schema: schema, normalizer: normalizer, seed: seed, to: checkpoint)

    // Offline: the scorer over every row (cvr predict's scoring), one engine thread and two.
    let bundle = try ModelBundle.load(from: checkpoint)
    let assembler = try BatchAssembler(store: store, normalizer: bundle.normalizer)
    var offline: [String: Double] = [:]
    for threads in [1, 2] {
      Threads.set(threads)
      _ = try bundle.scores(assembler: assembler, rows: all)
      let start = DispatchTime.now().uptimeNanoseconds
      var scored = 0
      while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < 2 {
        scored += try bundle.scores(assembler: assembler, rows: all).count
      }
      offline["scorer_rows_per_s_threads\(threads)"] = Double(scored) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    let tool = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cvr")
    let predictStart = DispatchTime.now().uptimeNanoseconds
    let predict = try Self.run(tool, ["predict", "--checkpoint", checkpoint.path, "--data", files.data.path,
                                      "--schema", schemaURL.path, "--out", directory.appendingPathComponent("s.csv").path])
    predict.waitUntilExit()
    offline["cvr_predict_command_rows_per_s"] = Double(store.rowCount) / (Double(DispatchTime.now().uptimeNanoseconds - predictStart) / 1e9)
    print("offline \(kind) on \(store.rowCount) rows: " + offline.sorted { $0.key < $1.key }.map { "\($0.key) \(Int($0.value))" }.joined(separator: ", "))

    // The server.
    let server = Process()
    server.executableURL = tool
    server.arguments = ["serve", "--model", "m=\(checkpoint.path)", "--port", "0", "--workers", String(workers),
                        "--max-batch-wait-ms", String(maxBatchWaitMs), "--max-queued-rows", "1000000"]
    let pipe = Pipe()
    server.standardOutput = pipe
    try server.run()
    defer { server.terminate(); server.waitUntilExit() }
    var port = 0
    var seen = Data()
    while port == 0 {
      let chunk = pipe.fileHandleForReading.availableData
      guard !chunk.isEmpty else { throw ValidationError("cvr serve ended before listening") }
      seen.append(chunk)
      let text = String(decoding: seen, as: UTF8.self)
      if let range = text.range(of: "127.0.0.1:") {
        port = Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
      }
    }

    let inputs = FieldRowsDecoder(inputsOf: schema).inputs
    let text = try String(contentsOf: files.data, encoding: .utf8)
    var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = lines.removeFirst()
    func body(_ first: Int, _ count: Int) -> [UInt8] {
      let objects = (first..<(first + count)).map { i -> String in
        let line = lines[i % lines.count]
        return "{" + inputs.map { "\"\($0.name)\":\"\(line[header.firstIndex(of: $0.name)!])\"" }.joined(separator: ",") + "}"
      }
      return Array(("{\"instances\":[" + objects.joined(separator: ",") + "]}").utf8)
    }

    if fuzzRequests > 0 {
      let seeds = [body(0, 3), body(5, 1), Self.columns(inputs, lines, header, 10..<14), Self.infer(inputs, lines, header, 20..<23)]
      let fuzz = FuzzRun(port: port, seeds: seeds, requests: fuzzRequests, connections: fuzzConnections, seed: seed).run()
      print("fuzz: \(fuzz.sent) requests over \(fuzzConnections) connections in \(String(format: "%.1f", fuzz.seconds)) s; statuses "
        + fuzz.statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
      for example in fuzz.failures.prefix(5) { print("  failure: \(example)") }
      let alive = (try? LoopbackHTTPClient(port: port).request("POST", "/v1/models/m:predict", body: seeds[0]))?.status == 200
      print("fuzz: server \(alive ? "still answers a good request" : "DOES NOT answer a good request")")
      guard fuzz.failures.isEmpty && alive && server.isRunning else { throw ExitCode.failure }
      return
    }

    var cases: [[String: Double]] = []
    print("rows/request  connections  requests/s  rows/s  p50 ms  p99 ms")
    for n in rows.split(separator: ",").compactMap({ Int($0) }) {
      for c in connections.split(separator: ",").compactMap({ Int($0) }) {
        let bodies = (0..<c).map { body($0 * 37, n) }
        let result = LoadRun(port: port, path: "/v1/models/m:predict", bodies: bodies, seconds: seconds).run()
        let figures: [String: Double] = [
          "rows_per_request": Double(n), "connections": Double(c), "requests_per_s": result.requestsPerSecond,
          "rows_per_s": result.requestsPerSecond * Double(n), "p50_ms": result.p50 * 1000, "p99_ms": result.p99 * 1000,
          "errors": Double(result.errors),
        ]
        cases.append(figures)
        print(String(format: "%12d  %11d  %10.0f  %6.0f  %6.2f  %6.2f%@", n, c, result.requestsPerSecond,
                     result.requestsPerSecond * Double(n), result.p50 * 1000, result.p99 * 1000,
                     result.errors > 0 ? "  (\(result.errors) errors)" : ""))
      }
    }
    let document = JSONValue.object([
      "model": .string(kind), "rows": .integer(store.rowCount), "workers": .integer(workers),
      "max_batch_wait_ms": .double(maxBatchWaitMs), "seconds_per_case": .double(seconds), "seed": .integer(seed),
      "cores": .integer(ProcessInfo.processInfo.activeProcessorCount),
      "offline": .object(JSONObject(offline.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.double($0.value)) })),
      "cases": .array(cases.map { c in .object(JSONObject(c.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.double($0.value)) })) }),
    ])
    try (document.rendered() + "\n").write(to: URL(fileURLWithPath: out), atomically: true, encoding: .utf8)
    print("wrote \(out)")
  }

  static func columns(_ inputs: [ColumnSpec], _ lines: [[String]], _ header: [String], _ range: Range<Int>) -> [UInt8] {
    let cols = inputs.map { spec in
      "\"\(spec.name)\":[" + range.map { "\"\(lines[$0][header.firstIndex(of: spec.name)!])\"" }.joined(separator: ",") + "]"
    }
    return Array(("{\"inputs\":{" + cols.joined(separator: ",") + "}}").utf8)
  }

  static func infer(_ inputs: [ColumnSpec], _ lines: [[String]], _ header: [String], _ range: Range<Int>) -> [UInt8] {
    let tensors = inputs.map { spec in
      "{\"name\":\"\(spec.name)\",\"datatype\":\"BYTES\",\"shape\":[\(range.count)],\"data\":["
        + range.map { "\"\(lines[$0][header.firstIndex(of: spec.name)!])\"" }.joined(separator: ",") + "]}"
    }
    return Array(("{\"inputs\":[" + tensors.joined(separator: ",") + "]}").utf8)
  }

  static func run(_ tool: URL, _ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = tool
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    return process
  }
}

/// `bodies.count` client threads, each posting its body in a loop on one connection.
struct LoadRun {
  let port: Int
  let path: String
  let bodies: [[UInt8]]
  let seconds: Double

  struct Result {
    let requestsPerSecond: Double
    let p50: Double
    let p99: Double
    let errors: Int
  }

  func run() -> Result {
    let collector = Collector()
    let warmup = 0.5
    let start = DispatchTime.now().uptimeNanoseconds
    let threads = bodies.map { body in
      Thread {
        let client = LoopbackHTTPClient(port: port)
        var latencies: [Double] = []
        latencies.reserveCapacity(100_000)
        var errors = 0
        while true {
          let t0 = DispatchTime.now().uptimeNanoseconds
          let elapsed = Double(t0 - start) / 1e9
          if elapsed > warmup + seconds { break }
          let ok = (try? client.request("POST", path, body: body))?.status == 200
          let t1 = DispatchTime.now().uptimeNanoseconds
          if elapsed >= warmup {
            if ok { latencies.append(Double(t1 - t0) / 1e9) } else { errors += 1 }
          }
        }
        collector.add(latencies, errors: errors)
      }
    }
    threads.forEach { $0.stackSize = 1 << 20; $0.start() }
    while threads.contains(where: { !$0.isFinished }) { usleep(10_000) }
    let sorted = collector.latencies.sorted()
    func quantile(_ q: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
    return Result(requestsPerSecond: Double(sorted.count) / seconds, p50: quantile(0.5), p99: quantile(0.99),
                  errors: collector.errors)
  }
}

final class Collector: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var latencies: [Double] = []
  private(set) var errors = 0
  func add(_ values: [Double], errors: Int) {
    lock.lock()
    latencies += values
    self.errors += errors
    lock.unlock()
  }
}

/// Mutated and random bodies (JSONBodyMutator) on both protocols' endpoints:
/// every answer must be below 500 and every request must get one.
struct FuzzRun {
  let port: Int
  let seeds: [[UInt8]]
  let requests: Int
  let connections: Int
  let seed: UInt64

  struct Result {
    var sent = 0
    var statuses: [Int: Int] = [:]
    var failures: [String] = []
    var seconds = 0.0
  }

  func run() -> Result {
    let box = FuzzBox()
    let start = DispatchTime.now().uptimeNanoseconds
    let threads = (0..<connections).map { c in
      Thread {
        var rng = SeededGenerator(seed: seed &+ UInt64(c) &* 7919)
        var local = Result()
        var client = LoopbackHTTPClient(port: port)
        let paths = ["/v1/models/m:predict", "/v2/models/m/infer", "/v1/models/m:predict", "/v2/models/m/infer"]
        for i in stride(from: c, to: requests, by: connections) {
          let k = i % seeds.count
          let body = JSONBodyMutator.mutate(seeds[k], rng: &rng)
          local.sent += 1
          do {
            let reply = try client.request("POST", paths[k], body: body)
            local.statuses[reply.status, default: 0] += 1
            if reply.status >= 500 {
              local.failures.append("\(reply.status) \(reply.text.prefix(160)) for \(String(decoding: body.prefix(160), as: UTF8.self))")
            }
          } catch {
            local.failures.append("no answer (\(error)) for \(String(decoding: body.prefix(160), as: UTF8.self))")
            client = LoopbackHTTPClient(port: port)
          }
        }
        box.merge(local)
      }
    }
    threads.forEach { $0.start() }
    while threads.contains(where: { !$0.isFinished }) { usleep(10_000) }
    var result = box.result
    result.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return result
  }
}

final class FuzzBox: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var result = FuzzRun.Result()
  func merge(_ other: FuzzRun.Result) {
    lock.lock()
    result.sent += other.sent
    for (status, count) in other.statuses { result.statuses[status, default: 0] += count }
    result.failures += other.failures
    lock.unlock()
  }
}

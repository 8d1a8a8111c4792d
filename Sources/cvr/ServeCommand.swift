// `cvr serve`: scores requests over HTTP (KServe v2 and TF-Serving REST) with
// saved models, micro-batched on worker threads; SIGHUP reloads every model.
// docs/serving.md describes the endpoints, limits and metrics.
import ArgumentParser
import CVRData
import CVRHTTPServer
import CVRHTTPServing
import CVRKernels
import Dispatch
import Foundation

struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve saved models over HTTP (KServe v2 / Open Inference Protocol and TF-Serving REST).",
    discussion: """
      Every checkpoint `cvr predict` reads can be served. Requests give raw column
      values as in the CSV; they are decoded with the schema's own rules (vocab
      check or hashing, list separators) and the normaliser stored in the model.

      Endpoints: GET /v2/health/live, /v2/health/ready, /v2/models/NAME,
      /v2/models/NAME/ready; POST /v2/models/NAME/infer; POST
      /v1/models/NAME:predict; POST /admin/models/NAME/reload (body
      {"checkpoint": path} or empty); GET /metrics. SIGHUP reloads every model
      from its file. Binds to 127.0.0.1 unless --host says otherwise.

      Example:
        cvr serve --model ctr=out/checkpoints/BASE-seed1.ckpt --schema sim/schema.yaml --port 8080
        curl -s localhost:8080/v1/models/ctr:predict -d '{"instances": [{"user": 3, "item": 17, "price": 1.5}]}'
      """)

  @Option(name: .customLong("model"), help: "NAME=CHECKPOINT (.ckpt, or an XGBoost model with its .json sidecar); repeatable.")
  var models: [String] = []

  @Option(help: "The request schema (YAML or JSON): checked against every model (default: each model's own).")
  var schema: String?

  @Option(help: "Address to bind (default loopback only).")
  var host = "127.0.0.1"

  @Option(help: "Port (0: any free port, printed).")
  var port = 8080

  @Option(help: "Largest request body in bytes (413 beyond).")
  var maxBodyBytes = ServeLimits().maxBodyBytes

  @Option(help: "Most rows per request (413 beyond).")
  var maxRows = ServeLimits().maxRowsPerRequest

  @Option(help: "Most rows coalesced into one scoring call.")
  var maxBatchRows = ServeLimits().maxBatchRows

  @Option(help: "Milliseconds a batch's first request waits for others.")
  var maxBatchWaitMs = ServeLimits().maxBatchWait * 1000

  @Option(help: "Seconds a request may wait in the queue (503 beyond).")
  var requestTimeout = ServeLimits().requestTimeout

  @Option(help: "Queued rows beyond which requests are refused with 503.")
  var maxQueuedRows = ServeLimits().maxQueuedRows

  @Option(help: "Scoring threads, each with its own batch and tape.")
  var workers = ServeLimits().workers

  @Option(help: "Seconds an idle keep-alive connection stays open.")
  var idleTimeout = ServeLimits().idleTimeout

  @Option(help: "Engine threads inside one scoring call (default 1: the workers are the parallelism).")
  var threads = 1

  var limits: ServeLimits {
    var limits = ServeLimits()
    limits.maxBodyBytes = maxBodyBytes
    limits.maxRowsPerRequest = maxRows
    limits.maxBatchRows = maxBatchRows
    limits.maxBatchWait = maxBatchWaitMs / 1000
    limits.requestTimeout = requestTimeout
    limits.maxQueuedRows = maxQueuedRows
    limits.workers = workers
    limits.idleTimeout = idleTimeout
    return limits
  }

  func validate() throws {
    guard !models.isEmpty else { throw ValidationError("give at least one --model NAME=CHECKPOINT") }
    for entry in models where Self.split(entry) == nil {
      throw ValidationError("--model '\(entry)' is not NAME=CHECKPOINT")
    }
    if let problem = limits.problem() { throw ValidationError(problem) }
    guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535, got \(port)") }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
  }

  static func split(_ entry: String) -> (name: String, checkpoint: String)? {
    guard let eq = entry.firstIndex(of: "="), eq != entry.startIndex, entry.index(after: eq) != entry.endIndex else { return nil }
    return (String(entry[..<eq]), String(entry[entry.index(after: eq)...]))
  }

  func run() throws {
    Threads.set(threads)
    let metrics = ServingMetrics()
    let registry: ModelRegistry
    do {
      let requestSchema = try schema.map { try DataSchema.load(from: URL(fileURLWithPath: $0)) }
      registry = try ModelRegistry(models.compactMap(Self.split), schema: requestSchema, schemaFile: schema ?? "",
                                   metrics: metrics)
    } catch {
      FileHandle.standardError.write(Data("cvr serve: error: \(error)\n".utf8))
      throw ExitCode.failure
    }
    let batcher = MicroBatcher(limits: limits, metrics: metrics)
    let endpoints = ServeEndpoints(registry: registry, batcher: batcher, metrics: metrics, limits: limits)
    let hangup = Self.reloadOnHangup(registry)
    let server = ScoringServer(endpoints: endpoints, host: host, port: port)
    let names = registry.names.map { name in
      let model = registry.model(name)!
      return "\(name) (\(model.kind), \(model.checksum))"
    }
    let outcome = ServeOutcome()
    let done = DispatchSemaphore(value: 0)
    Task {
      do {
        try await server.run(handleSignals: true) { port in
          FileHandle.standardOutput.write(Data("cvr serve: listening on http://\(host):\(port) with \(names.joined(separator: ", "))\n".utf8))
        }
      } catch { outcome.set("\(error)") }
      done.signal()
    }
    done.wait()
    hangup.cancel()
    batcher.shutdown()
    if let failure = outcome.get() {
      FileHandle.standardError.write(Data("cvr serve: error: \(failure)\n".utf8))
      throw ExitCode.failure
    }
  }

  /// SIGHUP: reload every model from its file; refusals are printed, the old versions keep serving.
  static func reloadOnHangup(_ registry: ModelRegistry) -> any DispatchSourceSignal {
    signal(SIGHUP, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
    source.setEventHandler {
      let refused = registry.reloadAll()
      for message in refused { FileHandle.standardError.write(Data("cvr serve: reload refused: \(message)\n".utf8)) }
      let versions = registry.names.map { "\($0) v\(registry.model($0)!.version)" }
      FileHandle.standardOutput.write(Data("cvr serve: SIGHUP reload: \(versions.joined(separator: ", "))\n".utf8))
    }
    source.resume()
    return source
  }
}

/// The server task's error, read after it ends.
final class ServeOutcome: @unchecked Sendable {
  private let lock = NSLock()
  private var failure: String?
  func set(_ message: String) { lock.lock(); failure = message; lock.unlock() }
  func get() -> String? { lock.lock(); defer { lock.unlock() }; return failure }
}

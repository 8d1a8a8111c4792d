// Every endpoint of `cvr serve` as a function of (method, path, body): the
// routing, the 404/405/413 answers and the metrics, with no web framework, so
// the HTTP layer (CVRHTTPServer) only moves bytes. docs/serving.md lists them.
import CVRCore
import Foundation

/// An HTTP answer.
public struct ServeResponse: Sendable {
  public let status: Int
  public let contentType: String
  public let body: [UInt8]
  public var headers: [(String, String)] = []

  public init(status: Int, contentType: String = "application/json", body: [UInt8], headers: [(String, String)] = []) {
    self.status = status
    self.contentType = contentType
    self.body = body
    self.headers = headers
  }

  static func json(_ status: Int, _ value: JSONValue) -> ServeResponse {
    ServeResponse(status: status, body: Array(value.rendered().utf8))
  }

  static func json(_ status: Int, _ object: JSONObject) -> ServeResponse { json(status, .object(object)) }

  static func error(_ error: ServeError) -> ServeResponse { json(error.status, error.json) }
}

/// A request body as the HTTP layer read it.
public enum IncomingBody: Sendable {
  case bytes([UInt8])
  /// Longer than the limit: not read further.
  case tooLarge
}

/// The server's endpoints over a registry and a batcher.
public final class ServeEndpoints: Sendable {
  public let registry: ModelRegistry
  public let batcher: MicroBatcher
  public let metrics: ServingMetrics
  public let limits: ServeLimits

  public init(registry: ModelRegistry, batcher: MicroBatcher, metrics: ServingMetrics, limits: ServeLimits) {
    self.registry = registry
    self.batcher = batcher
    self.metrics = metrics
    self.limits = limits
  }

  /// Answers one request and counts it.
  public func handle(method: String, path rawPath: String, body: IncomingBody) async -> ServeResponse {
    let start = MicroBatcher.now()
    let path = rawPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
    let route = Route(path: path)
    let response: ServeResponse
    if let allowed = route.methods, !allowed.contains(method) {
      response = .init(
        status: 405, body: Array(ServeError(status: 405, "\(method) is not allowed on \(path) (allowed: \(allowed.joined(separator: ", ")))").json.rendered().utf8),
        headers: [("Allow", allowed.joined(separator: ", "))])
    } else if case .tooLarge = body {
      response = .error(ServeError(status: 413, "the body is larger than --max-body-bytes \(limits.maxBodyBytes)"))
    } else {
      let bytes: [UInt8]
      if case .bytes(let b) = body { bytes = b } else { bytes = [] }
      response = await answer(route, bytes)
    }
    var model = route.model ?? "none"
    if route.model != nil && registry.model(model) == nil { model = "unknown" }
    metrics.recordRequest(model: model, protocol: route.protocolName, status: response.status,
                          seconds: Double(MicroBatcher.now() - start) / 1e9)
    return response
  }

  private func answer(_ route: Route, _ body: [UInt8]) async -> ServeResponse {
    switch route.kind {
    case .notFound(let path):
      return .error(ServeError(status: 404, "no endpoint \(path) (docs/serving.md lists them)"))
    case .live: return .json(200, ["live": .bool(true)])
    case .ready: return .json(200, ["ready": .bool(true)])
    case .serverMetadata:
      return .json(200, ["name": .string("cvr-serve"), "version": .string("1"), "extensions": .array([])])
    case .metrics:
      return ServeResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition())
    default: break
    }
    guard let name = route.model, let model = registry.model(name) else {
      return .error(ServeError(status: 404, "no model named '\(route.model ?? "")' (serving \(registry.names))"))
    }
    switch route.kind {
    case .modelMetadata: return .json(200, KServeProtocol.metadata(model))
    case .modelReady: return .json(200, ["name": .string(name), "ready": .bool(true)])
    case .tfStatus:
      return .json(200, ["model_version_status": .array([.object([
        "version": .string(String(model.version)), "state": .string("AVAILABLE"),
        "status": .object(["error_code": .string("OK"), "error_message": .string("")]),
      ])])])
    case .infer:
      do throws(ServeError) {
        batcher.arriving()
        let request: KServeProtocol.InferRequest
        do throws(ServeError) { request = try KServeProtocol.decode(try Self.parse(body), model: model, maxRows: limits.maxRowsPerRequest) } catch {
          batcher.arrivalFailed()
          throw error
        }
        let scores = try await batcher.score(request.rows, model: model, arrived: true).get()
        return ServeResponse(status: 200, body: KServeProtocol.response(scores, model: model, request: request))
      } catch { return .error(error) }
    case .predict:
      do throws(ServeError) {
        batcher.arriving()
        let request: TFServingProtocol.PredictRequest
        do throws(ServeError) { request = try TFServingProtocol.decode(try Self.parse(body), model: model, maxRows: limits.maxRowsPerRequest) } catch {
          batcher.arrivalFailed()
          throw error
        }
        let scores = try await batcher.score(request.rows, model: model, arrived: true).get()
        return ServeResponse(status: 200, body: TFServingProtocol.response(scores, request: request))
      } catch { return .error(error) }
    case .reload:
      do {
        let checkpoint = try Self.reloadTarget(body)
        let registry = self.registry
        let next = try await Self.offload { try registry.reload(name, checkpoint: checkpoint) }
        return .json(200, ["name": .string(name), "version": .integer(next.version), "kind": .string(next.kind),
                           "checksum": .string(next.checksum), "checkpoint": .string(next.checkpoint)])
      } catch let error as ServeError { return .error(error) } catch { return .error(ServeError(status: 500, "\(error)")) }
    default:
      return .error(ServeError(status: 404, "no endpoint"))
    }
  }

  /// The body as JSON, or 400 naming the byte where it breaks.
  static func parse(_ body: [UInt8]) throws(ServeError) -> JSONValue {
    guard !body.isEmpty else { throw .badRequest("the body is empty: send a JSON object") }
    do { return try JSONValue.parse(body) } catch let error as JSONSyntaxError {
      throw .badRequest("malformed JSON: \(error.message) at byte \(error.offset)")
    } catch { throw .badRequest("malformed JSON: \(error)") }
  }

  /// `{"checkpoint": path}` or an empty body (reload the serving file).
  static func reloadTarget(_ body: [UInt8]) throws(ServeError) -> String? {
    if body.allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) }) { return nil }
    guard case .object(let object) = try parse(body) else { throw .badRequest("the body must be {\"checkpoint\": path}") }
    for key in object.keys where key != "checkpoint" { throw .badRequest("unknown key '\(key)' (only \"checkpoint\")") }
    guard let value = object["checkpoint"] else { return nil }
    guard case .string(let path) = value, !path.isEmpty else { throw .badRequest("\"checkpoint\" must be a path") }
    return path
  }

  /// Runs blocking work (loading a checkpoint) off the concurrency pool.
  static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
  }
}

/// Which endpoint a path names, and the methods it takes.
struct Route {
  enum Kind: Equatable {
    case live, ready, serverMetadata, metrics
    case modelMetadata, modelReady, infer, tfStatus, predict, reload
    case notFound(String)
  }

  let kind: Kind
  let model: String?

  init(path: String) {
    let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    func decoded(_ s: String) -> String { s.removingPercentEncoding ?? s }
    switch parts.count {
    case 1 where parts == ["metrics"]: (kind, model) = (.metrics, nil)
    case 1 where parts == ["v2"]: (kind, model) = (.serverMetadata, nil)
    case 3 where parts == ["v2", "health", "live"]: (kind, model) = (.live, nil)
    case 3 where parts == ["v2", "health", "ready"]: (kind, model) = (.ready, nil)
    case 3 where parts[0] == "v2" && parts[1] == "models" && !parts[2].isEmpty: (kind, model) = (.modelMetadata, decoded(parts[2]))
    case 4 where parts[0] == "v2" && parts[1] == "models" && parts[3] == "ready": (kind, model) = (.modelReady, decoded(parts[2]))
    case 4 where parts[0] == "v2" && parts[1] == "models" && parts[3] == "infer": (kind, model) = (.infer, decoded(parts[2]))
    case 3 where parts[0] == "v1" && parts[1] == "models" && parts[2].hasSuffix(":predict"):
      (kind, model) = (.predict, decoded(String(parts[2].dropLast(":predict".count))))
    case 3 where parts[0] == "v1" && parts[1] == "models" && !parts[2].isEmpty && !parts[2].contains(":"):
      (kind, model) = (.tfStatus, decoded(parts[2]))
    case 4 where parts[0] == "admin" && parts[1] == "models" && parts[3] == "reload": (kind, model) = (.reload, decoded(parts[2]))
    default: (kind, model) = (.notFound(String(path.prefix(200))), nil)
    }
  }

  /// The methods the endpoint answers (nil: not an endpoint).
  var methods: [String]? {
    switch kind {
    case .notFound: nil
    case .infer, .predict, .reload: ["POST"]
    default: ["GET", "HEAD"]
    }
  }

  var protocolName: String {
    switch kind {
    case .live, .ready, .serverMetadata, .modelMetadata, .modelReady, .infer: "kserve_v2"
    case .tfStatus, .predict: "tfserving"
    default: "other"
    }
  }
}

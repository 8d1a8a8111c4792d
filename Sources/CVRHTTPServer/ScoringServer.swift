// The one file that knows Hummingbird: it reads each request's body up to the
// limit, hands (method, path, body) to ServeEndpoints and writes the answer;
// and it runs the listening server (graceful stop on SIGINT/SIGTERM).
import CVRHTTPServing
import Hummingbird
import HTTPTypes
import Logging
import NIOCore

/// A listening scoring server.
public struct ScoringServer: Sendable {
  public let endpoints: ServeEndpoints
  public let host: String
  public let port: Int

  public init(endpoints: ServeEndpoints, host: String = "127.0.0.1", port: Int = 8080) {
    self.endpoints = endpoints
    self.host = host
    self.port = port
  }

  /// Serves until cancelled (or, with `signals`, until SIGINT/SIGTERM). `onListening`
  /// gets the bound port (the real one when `port` is 0).
  public func run(handleSignals: Bool, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
    let endpoints = self.endpoints
    let limit = endpoints.limits.maxBodyBytes
    let responder = CallbackResponder<BasicRequestContext> { request, _ in
      let body: IncomingBody
      do {
        var buffer = try await request.body.collect(upTo: limit)
        body = .bytes(buffer.readBytes(length: buffer.readableBytes) ?? [])
      } catch is NIOTooManyBytesError {
        body = .tooLarge  // answered 413 without reading the rest
      }
      let answer = await endpoints.handle(method: request.method.rawValue, path: request.uri.path, body: body)
      var headers: HTTPFields = [.contentType: answer.contentType]
      for (name, value) in answer.headers {
        if let field = HTTPField.Name(name) { headers[field] = value }
      }
      return Response(
        status: HTTPResponse.Status(code: answer.status), headers: headers,
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
    var logger = Logger(label: "cvr-serve")
    logger.logLevel = .warning
    let app = Application(
      responder: responder,
      server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(endpoints.limits.idleTimeout * 1000)))),
      configuration: .init(address: .hostname(host, port: port), serverName: "cvr-serve"),
      onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
      logger: logger)
    if handleSignals { try await app.runService() } else { try await app.run() }
  }
}

// A blocking HTTP/1.1 client on one keep-alive TCP connection: what the server
// tests, the in-test fuzz pass and the load benchmark speak to `cvr serve`
// with. It reads Content-Length bodies only (the server sends no chunked
// responses) and reconnects when the server closed the connection.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP response.
public struct HTTPReply: Sendable {
  public let status: Int
  public let headers: [(String, String)]
  public let body: [UInt8]
  public var text: String { String(decoding: body, as: UTF8.self) }

  public func header(_ name: String) -> String? {
    headers.first { $0.0.lowercased() == name.lowercased() }?.1
  }
}

/// Why a request got no response.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
  public let description: String
  public init(description: String) { self.description = description }
}

/// A connection to host:port; one request at a time (not thread-safe: one per thread).
public final class LoopbackHTTPClient {
  public let host: String
  public let port: Int
  private var socket: Int32 = -1
  private var buffer: [UInt8] = []
  private var chunk = [UInt8](repeating: 0, count: 65_536)

  public init(host: String = "127.0.0.1", port: Int) {
    self.host = host
    self.port = port
  }

  deinit { close() }

  public func close() {
    if socket >= 0 { _ = Glibc.close(socket) }
    socket = -1
    buffer.removeAll()
  }

  /// Sends one request and reads its response; retries once on a connection
  /// the server had closed (keep-alive timeout) before any byte came back.
  public func request(_ method: String, _ path: String, body: [UInt8] = [], headers: [(String, String)] = [])
    throws -> HTTPReply
  {
    var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: \(body.count)\r\n"
    if !body.isEmpty && !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
      head += "Content-Type: application/json\r\n"
    }
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    head += "\r\n"
    let message = Array(head.utf8) + body
    for attempt in 0..<2 {
      let fresh = socket < 0
      if fresh { try connect() }
      do {
        try send(message)
        return try readReply(method: method)
      } catch let error as Closed where !fresh && attempt == 0 {
        _ = error
        close()
      }
    }
    throw HTTPClientError(description: "the server closed the connection")
  }

  public func get(_ path: String) throws -> HTTPReply { try request("GET", path) }
  public func post(_ path: String, _ body: String) throws -> HTTPReply { try request("POST", path, body: Array(body.utf8)) }

  private struct Closed: Error {}

  private func connect() throws {
    let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HTTPClientError(description: "socket: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
      _ = Glibc.close(fd)
      throw HTTPClientError(description: "not an IPv4 address: \(host)")
    }
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard result == 0 else {
      let code = errno
      _ = Glibc.close(fd)
      throw HTTPClientError(description: "connect to \(host):\(port): errno \(code)")
    }
    var one: Int32 = 1
    _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    socket = fd
    buffer.removeAll()
  }

  private func send(_ bytes: [UInt8]) throws {
    var sent = 0
    while sent < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
      if n <= 0 {
        if n < 0 && errno == EINTR { continue }
        throw Closed()
      }
      sent += n
    }
  }

  /// Reads more bytes into `buffer`; throws Closed at end of stream.
  private func fill() throws {
    while true {
      let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress!, $0.count, 0) }
      if n > 0 {
        buffer.append(contentsOf: chunk[0..<n])  // `chunk` is reused: no allocation per read
        return
      }
      if n < 0 && errno == EINTR { continue }
      throw Closed()
    }
  }

  private func readReply(method: String) throws -> HTTPReply {
    var headerEnd: Int? = nil
    var gotAny = false
    while headerEnd == nil {
      if let end = Self.find(buffer, [13, 10, 13, 10]) { headerEnd = end; break }
      do { try fill(); gotAny = true } catch let closed as Closed {
        if gotAny || !buffer.isEmpty { throw HTTPClientError(description: "the connection closed inside a response head") }
        throw closed
      }
    }
    let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
    var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
    let statusLine = lines.removeFirst().split(separator: " ")
    guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
      throw HTTPClientError(description: "bad status line: \(head.prefix(80))")
    }
    let headers = lines.compactMap { line -> (String, String)? in
      guard let colon = line.firstIndex(of: ":") else { return nil }
      return (String(line[..<colon]), line[line.index(after: colon)...].trimmingSpaces())
    }
    let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
    let bodyStart = headerEnd! + 4
    let bodyLength = method == "HEAD" ? 0 : length
    while buffer.count < bodyStart + bodyLength {
      do { try fill() } catch is Closed { throw HTTPClientError(description: "the connection closed inside a body") }
    }
    let body = Array(buffer[bodyStart..<(bodyStart + bodyLength)])
    buffer.removeFirst(bodyStart + bodyLength)
    if headers.contains(where: { $0.0.lowercased() == "connection" && $0.1.lowercased() == "close" }) { close() }
    return HTTPReply(status: status, headers: headers, body: body)
  }

  private static func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
      if Array(haystack[i..<(i + needle.count)]) == needle { return i }
    }
    return nil
  }
}

extension Substring {
  fileprivate func trimmingSpaces() -> String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}

// The one error of the ratings readers: where (file, line, field) and what,
// in plain words, with the user's bytes cut and escaped by ShownText.
import CVRFileIO

/// A ratings or feature file that cannot be read as its format says.
///
/// `description` is `file:line: field N (name): message`, or `file:line: message`
/// when the whole line is wrong, or `file: message` for the whole file.
public struct RatingsError: Error, Equatable, CustomStringConvertible, Sendable {
  public let file: String
  /// 1-based line, nil when the problem is the whole file.
  public let line: Int?
  /// "field 3 (rating)"-style position, nil when the problem is the whole line.
  public let field: String?
  public let message: String

  public init(file: String, line: Int? = nil, field: String? = nil, message: String) {
    self.file = file
    self.line = line
    self.field = field
    self.message = message
  }

  public var description: String {
    var s = file
    if let line { s += ":\(line)" }
    if let field { s += ": \(field)" }
    return s + ": " + message
  }
}

/// `"text"` cut and escaped for a message.
@inline(__always)
func shown(_ p: UnsafePointer<UInt8>, _ n: Int) -> String { "\"" + ShownText.cut(p, n) + "\"" }

/// A String of the bytes (ids are kept exactly as written).
@inline(__always)
func text(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
  String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
}

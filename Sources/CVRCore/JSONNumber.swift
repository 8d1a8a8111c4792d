// A JSON number kept as its text, so a UInt64 seed or a config's 0.1 never
// passes through a lossy conversion on its way from a file back to a file.

/// A finite JSON number (RFC 8259 §6) held as its text.
///
/// Built from a Swift value, the text is the shortest form that reads back
/// exactly (`Double.description`, `String(integer)`); read from a file, it is
/// the file's text. Two numbers are equal when they are the same value:
/// exactly as integers when both are, else as Doubles (`1 == 1.0`).
public struct JSONNumber: Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
  /// The number as JSON text, e.g. "42", "0.8395", "1e-05".
  public let text: String

  /// A number whose text has already been checked against the JSON grammar (the parser's).
  package init(validatedText text: String) { self.text = text }

  public init(_ value: some BinaryInteger) { text = String(value) }

  /// A finite Double (JSON has no NaN or infinity; `JSONValue.double` maps those to null).
  public init?(_ value: Double) {
    guard value.isFinite else { return nil }
    text = value.description
  }

  public init(integerLiteral value: Int64) { self.init(value) }
  public init(floatLiteral value: Double) { text = value.description }

  /// The value as Int64 when the text is an integer in range (no fraction, no exponent).
  public var int64: Int64? { Int64(text) }
  /// The value as UInt64 when the text is a non-negative integer in range.
  public var uint64: UInt64? { UInt64(text) }
  /// The value as the nearest Double.
  public var double: Double { Double(text) ?? .nan }

  public var description: String { text }
}

extension JSONNumber: Equatable {
  public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
    if lhs.text == rhs.text { return true }
    if let a = lhs.int64, let b = rhs.int64 { return a == b }
    if let a = lhs.uint64, let b = rhs.uint64 { return a == b }
    return lhs.double == rhs.double
  }
}

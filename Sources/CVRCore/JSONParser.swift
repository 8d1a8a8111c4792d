// Reads JSON text into a JSONValue, keeping object members in file order
// (Foundation's readers return unordered dictionaries) and numbers as their text.

/// A JSON syntax error at a byte offset.
public struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
  public let message: String
  public let offset: Int
  public var description: String { "JSON: \(message) at byte \(offset)" }
}

extension JSONValue {
  /// Parses one JSON document (RFC 8259) from UTF-8 bytes.
  public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
    var parser = JSONParser(bytes: bytes)
    let value = try parser.value()
    parser.skipSpace()
    guard parser.index == bytes.count else { throw parser.error("trailing characters") }
    return value
  }

  /// Parses one JSON document from a string.
  public static func parse(_ text: String) throws -> JSONValue { try parse(Array(text.utf8)) }
}

/// Recursive descent over the bytes. Nesting is capped (`maximumDepth`) so a
/// hostile file of a million '[' is an error, not a stack overflow.
struct JSONParser {
  let bytes: [UInt8]
  var index = 0
  var depth = 0
  static let maximumDepth = 256

  func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: index) }

  mutating func skipSpace() {
    while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
  }

  mutating func value() throws -> JSONValue {
    skipSpace()
    guard index < bytes.count else { throw error("unexpected end") }
    switch bytes[index] {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
      depth += 1
      defer { depth -= 1 }
      return bytes[index] == UInt8(ascii: "{") ? try object() : try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    default: return .number(try number())
    }
  }

  mutating func literal(_ word: String) throws {
    let expected = Array(word.utf8)
    guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
      throw error("expected \(word)")
    }
    index += expected.count
  }

  mutating func expect(_ byte: Character) throws {
    skipSpace()
    guard index < bytes.count, bytes[index] == byte.asciiValue! else { throw error("expected '\(byte)'") }
    index += 1
  }

  mutating func object() throws -> JSONValue {
    index += 1
    var members = JSONObject()
    skipSpace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipSpace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
      let keyStart = index
      let key = try string()
      // A repeated key would silently lose one of its values.
      guard members[key] == nil else {
        index = keyStart
        throw error("repeated key \"\(key)\"")
      }
      try expect(":")
      members[key] = try value()
      skipSpace()
      guard index < bytes.count else { throw error("unexpected end in object") }
      if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
      try expect("}")
      return .object(members)
    }
  }

  mutating func array() throws -> JSONValue {
    index += 1
    var items: [JSONValue] = []
    skipSpace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(items)
    }
    while true {
      items.append(try value())
      skipSpace()
      guard index < bytes.count else { throw error("unexpected end in array") }
      if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
      try expect("]")
      return .array(items)
    }
  }

  /// RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  mutating func number() throws -> JSONNumber {
    let start = index
    func digits() -> Int {
      let first = index
      while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
      return index - first
    }
    func at(_ ascii: Unicode.Scalar) -> Bool { index < bytes.count && bytes[index] == UInt8(ascii: ascii) }
    if at("-") { index += 1 }
    let integerStart = index
    let integerDigits = digits()
    var valid = integerDigits > 0 && !(integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0"))
    if valid, at(".") {
      index += 1
      valid = digits() > 0
    }
    if valid, at("e") || at("E") {
      index += 1
      if at("+") || at("-") { index += 1 }
      valid = digits() > 0
    }
    guard valid else {
      index = start
      throw error("bad value")
    }
    return JSONNumber(validatedText: String(decoding: bytes[start..<index], as: UTF8.self))
  }

  mutating func string() throws -> String {
    index += 1
    var scalars = String.UnicodeScalarView()
    var run = index
    func flush(_ end: Int, into scalars: inout String.UnicodeScalarView) {
      scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars)
    }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        flush(index, into: &scalars)
        index += 1
        return String(scalars)
      }
      if byte == UInt8(ascii: "\\") {
        flush(index, into: &scalars)
        index += 1
        guard index < bytes.count else { break }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          var code = try hex4()
          // A surrogate pair encodes one scalar beyond the BMP.
          if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
          {
            index += 2
            let low = try hex4()
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(code) else { throw error("bad \\u escape") }
          scalars.append(scalar)
        default: throw error("bad escape")
        }
        run = index
        continue
      }
      index += 1
    }
    throw error("unterminated string")
  }

  mutating func hex4() throws -> UInt32 {
    guard index + 4 <= bytes.count,
      let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
    else { throw error("bad \\u escape") }
    index += 4
    return code
  }
}

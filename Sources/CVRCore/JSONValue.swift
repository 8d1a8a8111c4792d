// Any JSON value, so a checkpoint header can carry a model's config and data
// schema whatever their Codable types, and compare them key by key on load.
import Foundation

/// A JSON document as a value: what `config` and `schema` are in a checkpoint header.
///
/// Numbers keep integers exact (`.integer`, up to Int64) apart from fractions
/// (`.number`); equality compares numbers by value, so `1` equals `1.0` and a
/// config survives an encode–decode round trip as equal.
public enum JSONValue: Codable, Equatable, Sendable, CustomStringConvertible {
  case null
  case bool(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// The JSON form of any Encodable value (through JSONEncoder, so custom
  /// `encode(to:)` implementations and key strategies are honoured).
  public init(encoding value: some Encodable) throws {
    let data = try JSONValue.encoder.encode(value)
    self = try JSONValue.decoder.decode(JSONValue.self, from: data)
  }

  /// Decodes this JSON into `type` (e.g. a model config read back from a header).
  public func decode<T: Decodable>(_ type: T.Type) throws -> T {
    try JSONValue.decoder.decode(type, from: JSONValue.encoder.encode(self))
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let b = try? container.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? container.decode(Int64.self) {
      self = .integer(i)
    } else if let d = try? container.decode(Double.self) {
      self = .number(d)
    } else if let s = try? container.decode(String.self) {
      self = .string(s)
    } else if let a = try? container.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let b): try container.encode(b)
    case .integer(let i): try container.encode(i)
    case .number(let d): try container.encode(d)
    case .string(let s): try container.encode(s)
    case .array(let a): try container.encode(a)
    case .object(let o): try container.encode(o)
    }
  }

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.integer(let a), .integer(let b)): return a == b
    case (.number(let a), .number(let b)): return a == b
    case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)): return Double(a) == b
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a), .array(let b)): return a == b
    case (.object(let a), .object(let b)): return a == b
    default: return false
    }
  }

  /// Compact JSON text with sorted keys (for messages).
  public var description: String {
    guard let data = try? JSONValue.encoder.encode(self) else { return "<unencodable>" }
    return String(decoding: data, as: UTF8.self)
  }

  /// Sorted keys make the text deterministic; non-finite numbers (a NaN loss) become strings.
  package static var encoder: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return e
  }

  package static var decoder: JSONDecoder {
    let d = JSONDecoder()
    d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return d
  }
}

extension JSONValue {
  /// One place where two JSON documents disagree: a dotted key path ("" for
  /// the root, "widths[1]" inside arrays) and both values (nil when absent).
  public struct Difference: Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let found: JSONValue?
    public let expected: JSONValue?

    public var description: String {
      let key = path.isEmpty ? "the config" : "key '\(path)'"
      switch (found, expected) {
      case (nil, let e?): return "\(key) is missing in the file, the model has \(e)"
      case (let f?, nil): return "\(key) is \(f) in the file, the model has no such key"
      default: return "\(key) is \(found!) in the file, the model has \(expected!)"
      }
    }
  }

  /// Every leaf where `self` (the file's) and `expected` (the model's) differ,
  /// descending into objects and into arrays of equal length.
  public func differences(from expected: JSONValue, at path: String = "") -> [Difference] {
    switch (self, expected) {
    case (.object(let a), .object(let b)):
      return Set(a.keys).union(b.keys).sorted().flatMap { key -> [Difference] in
        let sub = path.isEmpty ? key : "\(path).\(key)"
        switch (a[key], b[key]) {
        case (let x?, let y?): return x.differences(from: y, at: sub)
        case (let x, let y): return [Difference(path: sub, found: x, expected: y)]
        }
      }
    case (.array(let a), .array(let b)) where a.count == b.count:
      return zip(a, b).enumerated().flatMap { i, pair in pair.0.differences(from: pair.1, at: "\(path)[\(i)]") }
    default:
      return self == expected ? [] : [Difference(path: path, found: self, expected: expected)]
    }
  }
}

extension JSONValue {
  /// `self` with `other`'s keys laid over it; objects merge recursively, anything
  /// else is replaced (a config file names only what it changes).
  public func merging(_ other: JSONValue) -> JSONValue {
    guard case .object(var mine) = self, case .object(let theirs) = other else { return other }
    for (key, value) in theirs { mine[key] = mine[key].map { $0.merging(value) } ?? value }
    return .object(mine)
  }
}

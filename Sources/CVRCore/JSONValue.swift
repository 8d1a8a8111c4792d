// The one JSON value of the engine: a checkpoint header's config and schema,
// a config file's overrides, and the documents behind metrics.json.
import Foundation

/// A JSON document as a value.
///
/// Objects keep their member order (`JSONObject`) and numbers their text
/// (`JSONNumber`), so `rendered()` gives the same bytes for the same document
/// and `parse` → `rendered` is exact; equality is JSON's own (member order is
/// ignored, numbers compare by value, so a config survives an encode–decode
/// round trip as equal).
public enum JSONValue: Sendable, Equatable, CustomStringConvertible {
  case null
  case bool(Bool)
  case number(JSONNumber)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  /// An integer, written exactly (any width up to UInt64 / Int64).
  public static func integer(_ value: some BinaryInteger) -> JSONValue { .number(JSONNumber(value)) }

  /// A Double in shortest round-trip form; NaN and ±infinity, which JSON cannot
  /// hold, become `null` (read back as NaN by `doubleValue`).
  public static func double(_ value: Double) -> JSONValue { JSONNumber(value).map(JSONValue.number) ?? .null }

  /// The member named `key` of an object, or nil.
  public subscript(key: String) -> JSONValue? {
    if case let .object(members) = self { return members[key] }
    return nil
  }

  /// A number as Double; `null` as NaN (how non-finite values are written); else nil.
  public var doubleValue: Double? {
    switch self {
    case let .number(number): number.double
    case .null: .nan
    default: nil
    }
  }

  /// Compact JSON text with sorted keys (for messages).
  public var description: String {
    guard let data = try? JSONValue.encoder.encode(self) else { return "<unencodable>" }
    return String(decoding: data, as: UTF8.self)
  }
}

// MARK: - Codable

/// Any object key (a JSON object's keys are not known ahead).
private struct JSONKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

extension JSONValue: Codable {
  /// The JSON form of any Encodable value (through JSONEncoder, so custom
  /// `encode(to:)` implementations and key strategies are honoured). Object
  /// keys come out sorted: Foundation does not keep a dictionary's order.
  public init(encoding value: some Encodable) throws {
    let data = try JSONValue.encoder.encode(value)
    self = try JSONValue.decoder.decode(JSONValue.self, from: data)
  }

  /// Decodes this JSON into `type` (e.g. a model config read back from a header).
  public func decode<T: Decodable>(_ type: T.Type) throws -> T {
    try JSONValue.decoder.decode(type, from: JSONValue.encoder.encode(self))
  }

  /// Reads any decoder's value (JSON, YAML); object keys are sorted, since
  /// decoders do not report file order.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let b = try? container.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? container.decode(Int64.self) {
      self = .integer(i)
    } else if let u = try? container.decode(UInt64.self) {
      self = .integer(u)
    } else if let d = try? container.decode(Double.self), d.isFinite {
      self = .double(d)
    } else if let s = try? container.decode(String.self) {
      self = .string(s)
    } else if let d = try? container.decode(Double.self) {
      self = .double(d)
    } else if let a = try? container.decode([JSONValue].self) {
      self = .array(a)
    } else {
      let keyed = try decoder.container(keyedBy: JSONKey.self)
      let keys = keyed.allKeys.map(\.stringValue).sorted()
      self = .object(JSONObject(try keys.map { ($0, try keyed.decode(JSONValue.self, forKey: JSONKey(stringValue: $0))) }))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .null:
      var single = encoder.singleValueContainer()
      try single.encodeNil()
    case let .bool(b):
      var single = encoder.singleValueContainer()
      try single.encode(b)
    case let .number(n):
      var single = encoder.singleValueContainer()
      if let i = n.int64 { try single.encode(i) } else if let u = n.uint64 { try single.encode(u) } else { try single.encode(n.double) }
    case let .string(s):
      var single = encoder.singleValueContainer()
      try single.encode(s)
    case let .array(items):
      var unkeyed = encoder.unkeyedContainer()
      for item in items { try unkeyed.encode(item) }
    case let .object(members):
      var keyed = encoder.container(keyedBy: JSONKey.self)
      for (key, value) in members { try keyed.encode(value, forKey: JSONKey(stringValue: key)) }
    }
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

// MARK: - Comparing and merging

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

  /// `self` with `other`'s keys laid over it; objects merge recursively, anything
  /// else is replaced (a config file names only what it changes). Keys keep
  /// their place in `self`; new keys follow in `other`'s order.
  public func merging(_ other: JSONValue) -> JSONValue {
    guard case .object(var mine) = self, case .object(let theirs) = other else { return other }
    for (key, value) in theirs { mine[key] = mine[key].map { $0.merging(value) } ?? value }
    return .object(mine)
  }
}

// Codable bridge for ReportJSON, so documents built on it also work with
// JSONEncoder/JSONDecoder (which do not keep object key order: keys come back sorted).
import CVRMetrics

private struct ReportJSONKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

extension ReportJSON: Codable {
  public init(from decoder: any Decoder) throws {
    if let keyed = try? decoder.container(keyedBy: ReportJSONKey.self) {
      let keys = keyed.allKeys.map(\.stringValue).sorted()
      self = .object(try keys.map { ($0, try keyed.decode(ReportJSON.self, forKey: ReportJSONKey(stringValue: $0))) })
      return
    }
    if var unkeyed = try? decoder.unkeyedContainer() {
      var items: [ReportJSON] = []
      while !unkeyed.isAtEnd { items.append(try unkeyed.decode(ReportJSON.self)) }
      self = .array(items)
      return
    }
    let single = try decoder.singleValueContainer()
    if single.decodeNil() {
      self = .null
    } else if let value = try? single.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? single.decode(UInt64.self) {
      self = .integer(value)
    } else if let value = try? single.decode(Double.self) {
      self = .double(value)
    } else {
      self = .string(try single.decode(String.self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .null:
      var single = encoder.singleValueContainer()
      try single.encodeNil()
    case let .bool(value):
      var single = encoder.singleValueContainer()
      try single.encode(value)
    case let .number(text):
      var single = encoder.singleValueContainer()
      if let integer = UInt64(text) { try single.encode(integer) } else { try single.encode(Double(text) ?? .nan) }
    case let .string(text):
      var single = encoder.singleValueContainer()
      try single.encode(text)
    case let .array(items):
      var unkeyed = encoder.unkeyedContainer()
      for item in items { try unkeyed.encode(item) }
    case let .object(members):
      var keyed = encoder.container(keyedBy: ReportJSONKey.self)
      for member in members { try keyed.encode(member.value, forKey: ReportJSONKey(stringValue: member.key)) }
    }
  }
}

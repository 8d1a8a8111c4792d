// A JSON value whose objects keep their key order, and a deterministic writer
// for it: reports must come out byte-identical for the same results.
import CVRMetrics

/// A JSON value. Objects are ordered member lists (JSON allows any order;
/// keeping the producer's order makes files stable and round-trips exact).
/// Numbers keep their source text, so integers such as UInt64 seeds never pass
/// through a lossy Double.
public enum ReportJSON: Sendable, Equatable {
  case null
  case bool(Bool)
  /// The number's JSON text, e.g. `"0.8395"`, `"42"`, `"1e-05"`.
  case number(String)
  case string(String)
  case array([ReportJSON])
  case object([(key: String, value: ReportJSON)])

  /// A Double in shortest round-trip form; NaN and ±infinity, which JSON cannot
  /// hold, become `null` (read back as NaN by `doubleValue`).
  public static func double(_ value: Double) -> ReportJSON {
    value.isFinite ? .number(value.description) : .null
  }

  /// An unsigned integer, written exactly.
  public static func integer(_ value: UInt64) -> ReportJSON { .number(String(value)) }

  /// The member named `key` of an object, or nil.
  public subscript(key: String) -> ReportJSON? {
    if case let .object(members) = self { return members.first { $0.key == key }?.value }
    return nil
  }

  /// A number as Double; `null` as NaN (how non-finite values are written); else nil.
  public var doubleValue: Double? {
    switch self {
    case let .number(text): Double(text)
    case .null: .nan
    default: nil
    }
  }

  public static func == (lhs: ReportJSON, rhs: ReportJSON) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): true
    case let (.bool(a), .bool(b)): a == b
    case let (.number(a), .number(b)): a == b || (Double(a) != nil && Double(a) == Double(b))
    case let (.string(a), .string(b)): a == b
    case let (.array(a), .array(b)): a == b
    case let (.object(a), .object(b)):
      a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    default: false
    }
  }

  /// Pretty-printed JSON text (two-space indent, members in order, trailing newline).
  public func rendered() -> String {
    var out = ""
    write(into: &out, indent: 0)
    out += "\n"
    return out
  }

  private func write(into out: inout String, indent: Int) {
    switch self {
    case .null: out += "null"
    case let .bool(value): out += value ? "true" : "false"
    case let .number(text): out += text
    case let .string(text): Self.writeString(text, into: &out)
    case let .array(items):
      // Arrays of scalars stay on one line: per-seed value lists read at a glance.
      if items.allSatisfy(\.isScalar) {
        out += "["
        for (index, item) in items.enumerated() {
          if index > 0 { out += ", " }
          item.write(into: &out, indent: indent)
        }
        out += "]"
        return
      }
      out += "[\n"
      for (index, item) in items.enumerated() {
        out += String(repeating: "  ", count: indent + 1)
        item.write(into: &out, indent: indent + 1)
        out += index + 1 < items.count ? ",\n" : "\n"
      }
      out += String(repeating: "  ", count: indent) + "]"
    case let .object(members):
      if members.isEmpty {
        out += "{}"
        return
      }
      out += "{\n"
      for (index, member) in members.enumerated() {
        out += String(repeating: "  ", count: indent + 1)
        Self.writeString(member.key, into: &out)
        out += ": "
        member.value.write(into: &out, indent: indent + 1)
        out += index + 1 < members.count ? ",\n" : "\n"
      }
      out += String(repeating: "  ", count: indent) + "}"
    }
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object: false
    default: true
    }
  }

  private static func writeString(_ text: String, into out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}

// A request's rows as the raw field text a CSV line would hold, one field per
// input column: the bridge from JSON values to the ingestion decoders, which
// then apply the schema's own rules (FieldRowsDecoder). Here only the JSON
// shape is checked: which JSON types a column takes and how a list is written.
import CVRCore
import CVRData

/// The field text of every (row, input column) of one request, in one byte buffer.
public struct RequestRows: Sendable {
  public let rowCount: Int
  public let columnCount: Int
  private var bytes: [UInt8] = []
  /// Start of field (row · columnCount + column) in `bytes`; one more entry ends the last field.
  private var starts: [Int] = [0]

  /// Builds the rows: `value(row, column)` gives each input's JSON value, or nil when it is missing.
  init(rows: Int, inputs: [ColumnSpec], value: (Int, Int) throws(ServeError) -> JSONValue?) throws(ServeError) {
    rowCount = rows
    columnCount = inputs.count
    starts.reserveCapacity(rows * inputs.count + 1)
    for row in 0..<rows {
      for (k, spec) in inputs.enumerated() {
        guard let json = try value(row, k) else {
          throw ServeError.badRequest("missing column (the model reads \(inputs.map(\.name)))", row: row, field: spec.name)
        }
        try Self.appendField(json, spec, row: row, into: &bytes)
        starts.append(bytes.count)
      }
    }
  }

  /// The raw text of `column` in `row`, valid inside `body`.
  func withFields<R>(_ body: ((Int, Int) -> UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    try bytes.withUnsafeBufferPointer { all in
      try body { row, column in
        let i = row * columnCount + column
        return UnsafeBufferPointer(rebasing: all[starts[i]..<starts[i + 1]])
      }
    }
  }

  /// The text a CSV field would hold for `json` in a column like `spec`:
  /// a string as itself, a number as its JSON literal (so `12` and `"12"` are
  /// one id, and `0.25` is parsed by the data file's decimal rules), and for a
  /// multi-valued or sequence column also an array of ids, joined with the
  /// column's separator. Anything else is a wrong type, named.
  static func appendField(_ json: JSONValue, _ spec: ColumnSpec, row: Int, into bytes: inout [UInt8]) throws(ServeError) {
    let isList = spec.role == .multi || spec.role == .sequence
    switch json {
    case .string(let text): bytes.append(contentsOf: text.utf8)
    case .number(let number): bytes.append(contentsOf: number.text.utf8)
    case .array(let items) where isList:
      let separator = spec.separator ?? "|"
      for (i, item) in items.enumerated() {
        if i > 0 { bytes.append(contentsOf: separator.utf8) }
        switch item {
        case .number(let number): bytes.append(contentsOf: number.text.utf8)
        case .string(let text):
          guard !text.contains(separator) else {
            throw ServeError.badRequest(
              "list element \(i) contains the separator '\(separator)': give the ids as array elements or as one separated string",
              row: row, field: spec.name)
          }
          bytes.append(contentsOf: text.utf8)
        default:
          throw ServeError.badRequest(
            "list element \(i) is \(Self.typeName(item)); ids are strings or integers", row: row, field: spec.name)
        }
      }
    default:
      throw ServeError.badRequest(
        "\(Self.typeName(json)), but a \(spec.role.rawValue) column takes \(Self.expected(spec))", row: row, field: spec.name)
    }
  }

  static func expected(_ spec: ColumnSpec) -> String {
    switch spec.role {
    case .dense: "a number (or its decimal text)"
    case .multi, .sequence: "an array of ids or one string of ids separated by '\(spec.separator ?? "|")'"
    case .occasion: "an occasion name"
    default: spec.hashBuckets != nil ? "an id as a string or an integer (hashed)" : "an integer id (or its text)"
    }
  }

  static func typeName(_ json: JSONValue) -> String {
    switch json {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}

// Renders a schema as readable YAML (one flow mapping per column, fixed key
// order), checks it with DataSchema.parse, and writes it atomically.
import CVRData
import CVRFileIO
import Foundation

enum SchemaText {
  /// The YAML of `schema` with `comment` lines on top; parsed back before returning,
  /// so a simulator can never write a schema the loader refuses.
  static func render(_ schema: DataSchema, comment: [String]) throws -> String {
    var lines = comment.map { "# \($0)" }
    lines.append("delimiter: \"\(schema.delimiter)\"")
    lines.append("header: \(schema.header)")
    if let calendar = schema.calendar { lines.append("calendar: \(calendar)") }
    if let occasions = schema.occasions { lines.append("occasions: [\(occasions.joined(separator: ", "))]") }
    lines.append("columns:")
    for c in schema.columns { lines.append("  - {\(fields(c).joined(separator: ", "))}") }
    let text = lines.joined(separator: "\n") + "\n"
    let parsed = try DataSchema.parse(text, file: "<simulated schema>")
    precondition(parsed == schema, "SchemaText: the rendered YAML does not read back as the schema")
    return text
  }

  /// Writes `schema` to `url` through AtomicFile.
  static func write(_ schema: DataSchema, comment: [String], to url: URL) throws {
    try AtomicFile.write(Data(try render(schema, comment: comment).utf8), to: url)
  }

  private static func fields(_ c: ColumnSpec) -> [String] {
    var f = ["name: \(c.name)", "role: \(c.role.rawValue)"]
    if let v = c.vocab { f.append("vocab: \(v)") }
    if let v = c.hashBuckets { f.append("hash_buckets: \(v)") }
    if let v = c.dim { f.append("dim: \(v)") }
    if let v = c.table { f.append("table: \(v)") }
    if let v = c.group { f.append("group: \(v.rawValue)") }
    if let v = c.normalize { f.append("normalize: \(v.rawValue)") }
    if let v = c.separator { f.append("separator: \"\(v)\"") }
    if let v = c.maxValues { f.append("max_values: \(v)") }
    if let v = c.pooling { f.append("pooling: \(v.rawValue)") }
    if let v = c.maxLength { f.append("max_length: \(v)") }
    if let v = c.keep { f.append("keep: \(v.rawValue)") }
    if let v = c.alignWith { f.append("align_with: \(v)") }
    if let v = c.truth { f.append("truth: \(v.rawValue)") }
    return f
  }
}

extension ColumnSpec {
  /// A column spec built in one expression (simulators list their schemas this way).
  static func make(
    _ name: String, _ role: Role, vocab: Int? = nil, dim: Int? = nil, table: String? = nil, group: Group? = nil,
    normalize: Normalization? = nil, maxLength: Int? = nil, alignWith: String? = nil, truth: Truth? = nil
  ) -> ColumnSpec {
    var c = ColumnSpec(name, role: role)
    c.vocab = vocab
    c.dim = dim
    c.table = table
    c.group = group
    c.normalize = normalize
    if let maxLength {
      c.separator = "|"
      c.maxLength = maxLength
      c.keep = .last
    }
    c.alignWith = alignWith
    c.truth = truth
    return c
  }
}

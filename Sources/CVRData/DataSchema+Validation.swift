// Schema checks, so a wrong schema fails before the first row is read, with
// the column and the rule it breaks.

extension DataSchema {
  /// The most slots a multi or sequence column may have per row (max_values,
  /// max_length): every row stores that many Int32s, so a typo such as
  /// `max_length: 5000000000` would otherwise ask for terabytes (and a width
  /// near Int.max overflowed the ingester's buffer size: a trap, found by fuzzing).
  public static let maximumListWidth = 100_000

  /// Throws the first rule the schema breaks.
  public func validate(file: String = "<schema>") throws {
    func fail(_ problem: String) -> SchemaError { SchemaError(file: file, problem: problem) }
    guard delimiter.utf8.count == 1 else { throw fail("delimiter must be one byte, got \"\(delimiter)\"") }
    guard !columns.isEmpty else { throw fail("no columns") }
    var seen = Set<String>()
    for c in columns {
      guard !c.name.isEmpty else { throw fail("a column has an empty name") }
      guard seen.insert(c.name).inserted else { throw fail("column '\(c.name)' appears twice") }
    }
    for role in [ColumnSpec.Role.click, .conversion, .delay, .day, .occasion] where self.columns(role).count > 1 {
      throw fail("more than one column has role \(role.rawValue): \(self.columns(role).map(\.name))")
    }
    if calendar != nil && !self.columns(.occasion).isEmpty {
      throw fail("both a calendar file and an occasion column: use one")
    }
    if calendar != nil && self.columns(.day).isEmpty { throw fail("a calendar file needs a day column") }

    var tables: [String: (rows: Int, dim: Int?, column: String)] = [:]
    for c in columns {
      let at = "column '\(c.name)'"
      switch c.role {
      case .sparse, .multi, .sequence:
        guard (c.vocab == nil) != (c.hashBuckets == nil) else {
          throw fail("\(at): give exactly one of vocab and hash_buckets")
        }
        guard let rows = c.tableRows, rows > 0 else { throw fail("\(at): vocab/hash_buckets must be positive") }
        if let dim = c.dim, dim <= 0 { throw fail("\(at): dim must be positive") }
        if let other = tables[c.tableName] {
          guard other.rows == rows, other.dim == c.dim || other.dim == nil || c.dim == nil else {
            throw fail("\(at) shares table '\(c.tableName)' with '\(other.column)' but their sizes differ")
          }
        } else {
          tables[c.tableName] = (rows, c.dim, c.name)
        }
        if c.role != .sparse {
          guard let separator = c.separator, separator.utf8.count == 1 else {
            throw fail("\(at): a \(c.role.rawValue) column needs a one-byte separator")
          }
          guard separator != delimiter else { throw fail("\(at): separator equals the field delimiter") }
        }
        if c.role == .multi {
          guard let m = c.maxValues, m > 0 else { throw fail("\(at): multi needs max_values > 0") }
          guard m <= Self.maximumListWidth else { throw fail("\(at): max_values \(m) is above \(Self.maximumListWidth)") }
        }
        if c.role == .sequence {
          guard let m = c.maxLength, m > 0 else { throw fail("\(at): sequence needs max_length > 0") }
          guard m <= Self.maximumListWidth else { throw fail("\(at): max_length \(m) is above \(Self.maximumListWidth)") }
          if let other = c.alignWith {
            guard let partner = column(other), partner.role == .sequence else {
              throw fail("\(at): align_with '\(other)' is not a sequence column")
            }
            guard partner.maxLength == c.maxLength else {
              throw fail("\(at): aligned sequences need the same max_length as '\(other)'")
            }
          }
        }
      case .truth:
        guard c.truth != nil else { throw fail("\(at): a truth column needs truth: ctr, cvr or potential_conversion") }
      default:
        break
      }
    }
  }
}

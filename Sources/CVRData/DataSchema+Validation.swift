// Schema checks, so a wrong schema fails before the first row is read, with
// the column and the rule it breaks.

extension DataSchema {
  /// The most rows a table may have: ids are stored as Int32.
  public static let maximumTableRows = Int(Int32.max)
  /// The most slots a multi or sequence column may have per row (max_values,
  /// max_length): every row stores that many Int32s, so a typo such as
  /// `max_length: 5000000000` would otherwise ask for terabytes.
  public static let maximumListWidth = 100_000
  /// The widest embedding: block widths are sums of dims, so an absurd dim
  /// (a typo such as 10^18) would overflow before the memory estimate could refuse it.
  public static let maximumDim = 65_536

  /// Keys that only mean something for some roles; any other role giving them is
  /// a mistake (e.g. `vocab` on a dense column), refused rather than ignored.
  static let keysByRole: [(key: String, roles: Set<ColumnSpec.Role>, present: @Sendable (ColumnSpec) -> Bool)] = [
    ("vocab", [.sparse, .multi, .sequence], { $0.vocab != nil }),
    ("hash_buckets", [.sparse, .multi, .sequence], { $0.hashBuckets != nil }),
    ("dim", [.sparse, .multi, .sequence], { $0.dim != nil }),
    ("table", [.sparse, .multi, .sequence], { $0.table != nil }),
    ("group", [.sparse, .dense, .multi, .sequence], { $0.group != nil }),
    ("normalize", [.dense], { $0.normalize != nil }),
    ("separator", [.multi, .sequence], { $0.separator != nil }),
    ("max_values", [.multi], { $0.maxValues != nil }),
    ("pooling", [.multi], { $0.pooling != nil }),
    ("max_length", [.sequence], { $0.maxLength != nil }),
    ("keep", [.sequence], { $0.keep != nil }),
    ("align_with", [.sequence], { $0.alignWith != nil }),
    ("truth", [.truth], { $0.truth != nil }),
  ]

  /// Throws the first rule the schema breaks. `columnLines[i]` is the line of
  /// column i in the schema text (from `parse`), so a broken column rule names its line.
  public func validate(file: String = "<schema>", columnLines: [Int] = []) throws {
    var currentLine: Int? = nil
    func fail(_ problem: String) -> SchemaError { SchemaError(file: file, line: currentLine, problem: problem) }
    guard delimiter.utf8.count == 1 else { throw fail("delimiter must be one byte, got \"\(SchemaError.shown(delimiter))\"") }
    guard !["\n", "\r", "\""].contains(delimiter) else {
      throw fail("delimiter cannot be a newline, a carriage return or a double quote")
    }
    guard !columns.isEmpty else { throw fail("no columns") }
    var seen = Set<String>()
    for (i, c) in columns.enumerated() {
      currentLine = i < columnLines.count && columnLines[i] > 0 ? columnLines[i] : nil
      guard !c.name.isEmpty else { throw fail("a column has an empty name") }
      guard seen.insert(c.name).inserted else { throw fail("column '\(SchemaError.shown(c.name))' appears twice") }
      for rule in Self.keysByRole where rule.present(c) && !rule.roles.contains(c.role) {
        let roles = ColumnSpec.Role.allCases.filter { rule.roles.contains($0) }.map(\.rawValue)
        throw fail("column '\(SchemaError.shown(c.name))': '\(rule.key)' does not apply to a \(c.role.rawValue) column (only to \(roles.joined(separator: ", ")))")
      }
    }
    currentLine = nil
    if let occasions {
      var names = Set<String>()
      for name in occasions {
        guard !name.isEmpty else { throw fail("occasions: an occasion name is empty") }
        guard names.insert(name).inserted else { throw fail("occasions: '\(SchemaError.shown(name))' is listed twice") }
      }
    }
    for name in allowLeakage ?? [] {
      guard let c = column(name), c.isFeature else {
        throw fail("allow_leakage names '\(SchemaError.shown(name))', which is not a feature column")
      }
    }
    for role in [ColumnSpec.Role.click, .conversion, .delay, .day, .occasion] where self.columns(role).count > 1 {
      throw fail("more than one column has role \(role.rawValue): \(self.columns(role).map(\.name))")
    }
    if calendar != nil && !self.columns(.occasion).isEmpty {
      throw fail("both a calendar file and an occasion column: use one")
    }
    if calendar != nil && self.columns(.day).isEmpty { throw fail("a calendar file needs a day column") }

    var tables: [String: (rows: Int, dim: Int?, column: String)] = [:]
    for (i, c) in columns.enumerated() {
      currentLine = i < columnLines.count && columnLines[i] > 0 ? columnLines[i] : nil
      let at = "column '\(SchemaError.shown(c.name))'"
      switch c.role {
      case .sparse, .multi, .sequence:
        guard (c.vocab == nil) != (c.hashBuckets == nil) else {
          throw fail("\(at): give exactly one of vocab and hash_buckets")
        }
        guard let rows = c.tableRows, rows > 0 else { throw fail("\(at): vocab/hash_buckets must be positive") }
        guard rows <= Self.maximumTableRows else {
          throw fail("\(at): \(c.vocab != nil ? "vocab" : "hash_buckets") \(rows) is above the largest table, \(Self.maximumTableRows) rows (ids are 32-bit)")
        }
        if let dim = c.dim, dim <= 0 { throw fail("\(at): dim must be positive") }
        if let dim = c.dim, dim > Self.maximumDim { throw fail("\(at): dim \(dim) is above \(Self.maximumDim)") }
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

// The long ratings format: one `user,item,rating[,propensity]` row per line
// (CSV or TSV, header optional), split by the package's one CSV scanner.
import CVRFileIO
import Foundation

/// Reads long ratings files.
public enum LongRatingsReader {
  /// The rows of `url`, with ids interned into `users` and `items`.
  ///
  /// With `knownIdsOnly` (a test split read after its training split) an id the
  /// maps do not hold is an error: a user or item never trained has no embedding.
  ///
  /// - Throws: `RatingsError` naming file:line:field for a row that cannot be
  ///   split, a wrong number of fields, an empty id, a rating that is not a
  ///   finite number in 0 … maxRating, a propensity outside (0, 1], a (user, item)
  ///   pair rated twice, an unknown id under `knownIdsOnly`, or a file with no row.
  public static func read(_ url: URL, options: LongRatingsOptions = .init(), users: inout RatingsIdMap,
                          items: inout RatingsIdMap, knownIdsOnly: Bool = false) throws -> RatingsRows {
    let file = try map(url)
    let name = url.path
    let bytes = file.bytes
    guard bytes.count > 0 else { throw RatingsError(file: name, message: "the file is empty (no ratings)") }
    let delimiter = options.delimiter.byte ?? detectDelimiter(bytes)
    var scanner = CSVScanner(bytes: bytes, delimiter: delimiter)
    scanner.skipByteOrderMark()
    let capacity = 8
    let fields = UnsafeMutablePointer<FieldSlice>.allocate(capacity: capacity)
    defer { fields.deallocate() }

    // Column positions: from the header, or 0, 1, 2 (, 3) without one.
    var columns = (user: 0, item: 1, rating: 2, propensity: Int?.none)
    var width = -1, widthLine = 1
    var pending: (fields: Int, line: Int)? = nil
    switch scanner.nextRow(into: fields, capacity: capacity) {
    case .end: throw RatingsError(file: name, message: "the file is empty (no ratings)")
    case .malformed(let line, let field, let reason):
      throw RatingsError(file: name, line: line, field: "field \(field + 1)", message: reason)
    case .row(let count, let line):
      let third = count >= 3 ? DecimalText.parseFloat(scanner.pointer(fields[2]), fields[2].count) : nil
      let isHeader = options.header == .present || (options.header == .detect && count >= 3 && third == nil)
      if isHeader {
        var cells: [String] = []
        for f in 0..<min(count, capacity) {
          cells.append(text(scanner.pointer(fields[f]), fields[f].count).lowercased())
        }
        func find(_ names: [String], required: Bool) throws -> Int? {
          if let i = cells.firstIndex(where: { names.contains($0) }) { return i }
          guard required else { return nil }
          let listed = cells.map { "\"" + ShownText.cut($0) + "\"" }.joined(separator: ", ")
          throw RatingsError(file: name, line: line,
                             message: "the header has no column named \"\(ShownText.cut(names[0]))\" (it has \(listed))")
        }
        columns.user = try find(options.names(options.userColumn, defaultName: "user", aliases: ["user_id", "userid", "uid"]), required: true)!
        columns.item = try find(options.names(options.itemColumn, defaultName: "item", aliases: ["item_id", "itemid", "iid"]), required: true)!
        columns.rating = try find(options.names(options.ratingColumn, defaultName: "rating", aliases: ["score"]), required: true)!
        columns.propensity = try find(options.names(options.propensityColumn, defaultName: "propensity", aliases: ["pscore"]), required: false)
        width = count
        widthLine = line
      } else {
        guard count == 3 || count == 4 else {
          throw RatingsError(file: name, line: line,
                             message: "expected 3 fields (user, item, rating) or 4 (… propensity), found \(count)")
        }
        if count == 4 { columns.propensity = 3 }
        width = count
        widthLine = line
        pending = (count, line)
      }
    }

    var rows = RatingsRows()
    if columns.propensity != nil { rows.propensities = [] }
    var seen: [Int64: Int32] = [:]
    let fieldNames = { (f: Int) -> String in
      let label = f == columns.user ? "user" : f == columns.item ? "item" : f == columns.rating ? "rating"
        : f == columns.propensity ? "propensity" : "unused"
      return "field \(f + 1) (\(label))"
    }

    while true {
      let count: Int, line: Int
      if let p = pending {
        (count, line) = p
        pending = nil
      } else {
        switch scanner.nextRow(into: fields, capacity: capacity) {
        case .end:
          guard rows.count > 0 else { throw RatingsError(file: name, message: "the file has a header but no ratings") }
          return rows
        case .malformed(let l, let field, let reason):
          throw RatingsError(file: name, line: l, field: "field \(field + 1)", message: reason)
        case .row(let c, let l):
          (count, line) = (c, l)
        }
      }
      guard count == width else {
        throw RatingsError(file: name, line: line, message: "expected \(width) fields like line \(widthLine), found \(count)")
      }
      func id(_ f: Int, _ map: inout RatingsIdMap, _ what: String) throws -> Int32 {
        let s = fields[f]
        guard s.count > 0 else {
          throw RatingsError(file: name, line: line, field: fieldNames(f), message: "the \(what) id is empty")
        }
        let value = text(scanner.pointer(s), s.count)
        if knownIdsOnly {
          guard let i = map.index(of: value) else {
            throw RatingsError(file: name, line: line, field: fieldNames(f),
                               message: "\(what) \(shown(scanner.pointer(s), s.count)) does not occur in the training file")
          }
          return i
        }
        return map.intern(value)
      }
      let u = try id(columns.user, &users, "user")
      let i = try id(columns.item, &items, "item")
      let r = try RatingsNumbers.rating(scanner.pointer(fields[columns.rating]), fields[columns.rating].count,
                                        max: options.maxRating, file: name, line: line,
                                        field: fieldNames(columns.rating))
      if let pc = columns.propensity {
        let p = try RatingsNumbers.propensity(scanner.pointer(fields[pc]), fields[pc].count, file: name, line: line,
                                              field: fieldNames(pc))
        rows.propensities!.append(p)
      }
      let pair = Int64(u) << 32 | Int64(i)
      if let first = seen.updateValue(Int32(line), forKey: pair) {
        throw RatingsError(file: name, line: line,
                           message: "user \"\(ShownText.cut(users.ids[Int(u)]))\" rates item \"\(ShownText.cut(items.ids[Int(i)]))\" a second time (first on line \(first))")
      }
      rows.users.append(u)
      rows.items.append(i)
      rows.ratings.append(r)
      rows.lines.append(Int32(line))
    }
  }

  /// Tab if the first line has one, else comma if it has one, else space.
  static func detectDelimiter(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
    var sawComma = false
    for b in bytes {
      if b == UInt8(ascii: "\n") { break }
      if b == UInt8(ascii: "\t") { return b }
      if b == UInt8(ascii: ",") { sawComma = true }
    }
    return sawComma ? UInt8(ascii: ",") : UInt8(ascii: " ")
  }

  /// `MappedFile` with its error as a `RatingsError`.
  static func map(_ url: URL) throws -> MappedFile {
    do { return try MappedFile(url) } catch let error as FileIOError {
      if case .unreadable(_, let reason) = error { throw RatingsError(file: url.path, message: "cannot read the file: \(reason)") }
      throw error
    }
  }
}

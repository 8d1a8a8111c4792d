// The dense text matrix format of the classical MNAR benchmarks (Coat's
// train.ascii / test.ascii, Schnabel et al. 2016): one line per user,
// whitespace-separated ratings per item, 0 = not rated; and the plain feature
// matrices that ship beside them (user_features.ascii, item_features.ascii).
import CVRFileIO
import Foundation

/// Reads whitespace-separated numeric matrices line by line.
public enum MatrixRatingsReader {
  /// The non-zero cells of a ratings matrix as rows. Line ℓ is the user with id
  /// "ℓ" (1-based, as the files count them) and dense index ℓ − 1; column c is
  /// the item with id "c" and index c − 1.
  ///
  /// `shape`, when given (the training file's users × items for its test file),
  /// must match exactly.
  ///
  /// - Throws: `RatingsError` naming file:line:field for a value that is not a
  ///   finite number in 0 … maxRating, a line whose width differs from line 1's
  ///   (or from `shape`), an empty line before the last, a line count that
  ///   differs from `shape`, an empty file.
  public static func read(_ url: URL, maxRating: Float = 5, shape: (users: Int, items: Int)? = nil) throws -> (
    rows: RatingsRows, users: Int, items: Int
  ) {
    var rows = RatingsRows()
    let name = url.path
    var width = shape?.items
    let widthSource = shape == nil ? "line 1" : "the training file"
    let lines = try scanLines(url) { line, cells, base in
      if let width, cells.count != width {
        throw RatingsError(file: name, line: line,
                           message: "\(cells.count) values, but \(widthSource) has \(width) (one value per item on every line)")
      }
      width = cells.count
      for (c, cell) in cells.enumerated() {
        let r = try RatingsNumbers.rating(base + cell.start, cell.count, max: maxRating, file: name, line: line,
                                          field: "field \(c + 1) (item \(c + 1))")
        guard r != 0 else { continue }
        rows.users.append(Int32(line - 1))
        rows.items.append(Int32(c))
        rows.ratings.append(r)
        rows.lines.append(Int32(line))
      }
    }
    if let shape, lines != shape.users {
      throw RatingsError(file: name, message: "\(lines) user lines, but the training file has \(shape.users)")
    }
    return (rows, lines, width ?? 0)
  }

  /// A [lines, width] matrix of finite numbers (a user or item feature file).
  /// `rows`, when given, is the number of lines required (users or items of the
  /// ratings), `what` names them in the message ("users", "items").
  public static func readFeatures(_ url: URL, rows expected: Int? = nil, what: String = "rows") throws -> FeatureMatrix {
    let name = url.path
    var width: Int? = nil
    var values: [Float] = []
    let lines = try scanLines(url) { line, cells, base in
      if let width, cells.count != width {
        throw RatingsError(file: name, line: line,
                           message: "\(cells.count) values, but line 1 has \(width) (one value per feature on every line)")
      }
      width = cells.count
      for (c, cell) in cells.enumerated() {
        values.append(try RatingsNumbers.finite(base + cell.start, cell.count, what: "value", file: name, line: line,
                                                field: "field \(c + 1)"))
      }
    }
    if let expected, lines != expected {
      throw RatingsError(file: name, message: "\(lines) lines, but the ratings have \(expected) \(what)")
    }
    return FeatureMatrix(rows: lines, width: width ?? 0, values: values)
  }

  /// Calls `body(line, cells, base)` for each line, cells split at runs of
  /// spaces and tabs (leading and trailing ones ignored, a final '\r' dropped).
  /// Empty lines at the end of the file are ignored; one before a non-empty
  /// line is an error (every line is one user or item). Returns the line count.
  static func scanLines(_ url: URL,
                        _ body: (Int, [(start: Int, count: Int)], UnsafePointer<UInt8>) throws -> Void) throws -> Int {
    let file = try LongRatingsReader.map(url)
    let name = url.path
    let n = file.bytes.count
    guard n > 0, let raw = file.bytes.baseAddress else { throw RatingsError(file: name, message: "the file is empty") }
    let base = raw.assumingMemoryBound(to: UInt8.self)
    var cells: [(start: Int, count: Int)] = []
    var line = 0, position = 0, lastContent = 0
    var blankLine: Int? = nil
    while position < n {
      line += 1
      cells.removeAll(keepingCapacity: true)
      var i = position
      while i < n && base[i] != UInt8(ascii: "\n") {
        let b = base[i]
        if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || (b == UInt8(ascii: "\r") && (i + 1 == n || base[i + 1] == UInt8(ascii: "\n"))) {
          i += 1
          continue
        }
        let start = i
        while i < n, base[i] != UInt8(ascii: "\n"), base[i] != UInt8(ascii: " "), base[i] != UInt8(ascii: "\t"),
              !(base[i] == UInt8(ascii: "\r") && (i + 1 == n || base[i + 1] == UInt8(ascii: "\n"))) {
          i += 1
        }
        cells.append((start, i - start))
      }
      position = i + 1
      if cells.isEmpty {
        if blankLine == nil { blankLine = line }
        continue
      }
      if let blank = blankLine {
        throw RatingsError(file: name, line: blank, message: "the line is empty (every line is one row; a user with no ratings is a line of zeros)")
      }
      try body(line, cells, base)
      lastContent = line
    }
    guard lastContent > 0 else { throw RatingsError(file: name, message: "the file has no values (only empty lines)") }
    return lastContent
  }
}

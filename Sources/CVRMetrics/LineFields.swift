// Splits delimited text in memory into lines and field ranges (quotes keep a
// delimiter inside a field); the field list is reused from line to line.

/// A field's bytes within the mapped file, quotes excluded.
struct FieldRange {
  var start: Int
  var count: Int
}

/// One line of fields: `fields` is valid until the next `nextLine`.
struct SplitLine {
  let fields: [FieldRange]
  /// 1-based line number.
  let line: Int
  /// Bytes in the line (for a rows-per-file estimate).
  let byteCount: Int
}

struct LineFields {
  let base: UnsafePointer<UInt8>
  let end: Int
  let delimiter: UInt8
  var position = 0
  var line = 0
  private var fields: [FieldRange] = []

  init(base: UnsafePointer<UInt8>, end: Int, delimiter: UInt8) {
    self.base = base
    self.end = end
    self.delimiter = delimiter
  }

  /// The next non-blank line's fields, or nil at the end of the bytes.
  mutating func nextLine() -> SplitLine? {
    let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r"), quote = UInt8(ascii: "\"")
    while position < end {
      line += 1
      let lineStart = position
      var stop = position
      while stop < end && base[stop] != newline { stop += 1 }
      position = stop + 1
      var lineEnd = stop
      if lineEnd > lineStart && base[lineEnd - 1] == carriageReturn { lineEnd -= 1 }
      if lineEnd == lineStart { continue }
      fields.removeAll(keepingCapacity: true)
      var i = lineStart
      while true {
        if i < lineEnd && base[i] == quote {
          var j = i + 1
          while j < lineEnd && base[j] != quote { j += 1 }
          fields.append(FieldRange(start: i + 1, count: j - i - 1))
          i = j + 1
          while i < lineEnd && base[i] != delimiter { i += 1 }
        } else {
          var j = i
          while j < lineEnd && base[j] != delimiter { j += 1 }
          fields.append(FieldRange(start: i, count: j - i))
          i = j
        }
        if i >= lineEnd { break }
        i += 1  // past the delimiter
        if i == lineEnd {
          fields.append(FieldRange(start: i, count: 0))
          break
        }
      }
      return SplitLine(fields: fields, line: line, byteCount: lineEnd - lineStart + 1)
    }
    return nil
  }
}

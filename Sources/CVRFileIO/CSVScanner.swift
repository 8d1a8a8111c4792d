// The one CSV reader of the package (data ingestion, score files):
// RFC-4180 row splitting over bytes in memory: quotes ("" escapes a quote,
// delimiters and newlines inside quotes), CRLF and LF, with line numbers.

/// Where one field's bytes are: an offset into the file, or into the scanner's
/// scratch when the field had `""` escapes that had to be collapsed.
package struct FieldSlice {
  package var start: Int
  package var count: Int
  package var inScratch: Bool
  package init(start: Int, count: Int, inScratch: Bool) {
    self.start = start
    self.count = count
    self.inScratch = inScratch
  }
}

/// What `CSVScanner.nextRow` found.
package enum ScannedRow {
  /// A row with `fields` fields (only the first `capacity` are stored) starting at `line`.
  case row(fields: Int, line: Int)
  /// A row that cannot be split; the scanner has moved to the next line.
  case malformed(line: Int, fieldIndex: Int, reason: String)
  case end
}

/// Splits rows of delimited text held in memory (a mapped file) into field slices.
///
/// Fields are not copied: a slice points into the file, except for quoted
/// fields with `""` escapes, which are collapsed into a scratch buffer reset
/// per row. Lines that are completely empty are not rows and are skipped
/// (a trailing newline at the end of the file is the common case). A '\r' not
/// followed by '\n' is field data. A quote inside an unquoted field is data
/// (as Python's csv module reads it); after a closing quote only a delimiter
/// or the end of the line may follow.
package struct CSVScanner: ~Copyable {
  package let base: UnsafePointer<UInt8>
  package let end: Int
  package let delimiter: UInt8
  /// Offset of the next unread byte.
  package private(set) var position = 0
  /// 1-based line number of the byte at `position`.
  package private(set) var line = 1
  private var scratch: UnsafeMutablePointer<UInt8>
  private var scratchCapacity = 256
  private var scratchCount = 0

  package init(bytes: UnsafeRawBufferPointer, delimiter: UInt8) {
    base = bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(bitPattern: 1)!
    end = bytes.count
    self.delimiter = delimiter
    scratch = .allocate(capacity: scratchCapacity)
  }

  deinit { scratch.deallocate() }

  /// The first byte of a field returned by the last `nextRow`.
  @inline(__always)
  package func pointer(_ field: FieldSlice) -> UnsafePointer<UInt8> {
    field.inScratch ? UnsafePointer(scratch + field.start) : base + field.start
  }

  /// Splits the next row, storing up to `capacity` field slices in `fields`.
  package mutating func nextRow(into fields: UnsafeMutablePointer<FieldSlice>, capacity: Int) -> ScannedRow {
    let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r"), quote = UInt8(ascii: "\"")
    scratchCount = 0
    while position < end {
      if base[position] == newline {
        position += 1
        line += 1
      } else if base[position] == carriageReturn && position + 1 < end && base[position + 1] == newline {
        position += 2
        line += 1
      } else {
        break
      }
    }
    guard position < end else { return .end }
    let rowLine = line
    var field = 0
    while true {
      var slice: FieldSlice
      if position < end && base[position] == quote {
        let openLine = line
        position += 1
        let start = position
        var escaped = false
        while true {
          guard position < end else {
            return .malformed(line: openLine, fieldIndex: field, reason: "unterminated quote (opened on line \(openLine))")
          }
          let byte = base[position]
          if byte == quote {
            if position + 1 < end && base[position + 1] == quote {
              escaped = true
              position += 2
              continue
            }
            break
          }
          if byte == newline { line += 1 }
          position += 1
        }
        slice = escaped ? collapseQuotes(start, position) : FieldSlice(start: start, count: position - start, inScratch: false)
        position += 1
        if position < end {
          let next = base[position]
          let endsLine = next == newline || (next == carriageReturn && position + 1 < end && base[position + 1] == newline)
          if next != delimiter && !endsLine {
            skipLine()
            return .malformed(line: rowLine, fieldIndex: field, reason: "unexpected character after a closing quote")
          }
        }
      } else {
        let start = position
        while position < end {
          let byte = base[position]
          if byte == delimiter || byte == newline { break }
          if byte == carriageReturn && position + 1 < end && base[position + 1] == newline { break }
          position += 1
        }
        slice = FieldSlice(start: start, count: position - start, inScratch: false)
      }
      if field < capacity { fields[field] = slice }
      field += 1
      guard position < end else { return .row(fields: field, line: rowLine) }
      let byte = base[position]
      if byte == delimiter {
        position += 1
        continue
      }
      position += byte == carriageReturn ? 2 : 1
      line += 1
      return .row(fields: field, line: rowLine)
    }
  }

  /// Moves past the next newline (quote-blind), to resynchronise after a malformed row.
  private mutating func skipLine() {
    while position < end {
      let byte = base[position]
      position += 1
      if byte == UInt8(ascii: "\n") {
        line += 1
        return
      }
    }
  }

  /// Copies `start ..< stop` into the scratch with each `""` collapsed to `"`.
  private mutating func collapseQuotes(_ start: Int, _ stop: Int) -> FieldSlice {
    let needed = scratchCount + (stop - start)
    if needed > scratchCapacity {
      let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: max(needed, 2 * scratchCapacity))
      bigger.update(from: scratch, count: scratchCount)
      scratch.deallocate()
      scratch = bigger
      scratchCapacity = max(needed, 2 * scratchCapacity)
    }
    let first = scratchCount
    var i = start
    while i < stop {
      scratch[scratchCount] = base[i]
      scratchCount += 1
      i += base[i] == UInt8(ascii: "\"") ? 2 : 1
    }
    return FieldSlice(start: first, count: scratchCount - first, inScratch: true)
  }
}

extension CSVScanner {
  /// Skips a UTF-8 byte order mark at the start (spreadsheets write one), so
  /// the first header name compares equal.
  package mutating func skipByteOrderMark() {
    if position == 0, end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { position = 3 }
  }
}

// Byte-level reading of raw Ali-CCP files: lines of a mapped file, their
// comma-separated columns, and the 0x01/0x02/0x03-encoded feature lists.
import CVRData
import Foundation

/// Consecutive lines of a byte buffer, without the `\n` (or `\r\n`), numbered from 1.
struct RawLineCursor {
  let bytes: UnsafeRawBufferPointer
  private(set) var offset = 0
  private(set) var lineNumber = 0

  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  /// The next line; nil at the end (a final newline does not start an empty line).
  mutating func next() -> UnsafeRawBufferPointer? {
    guard let base = bytes.baseAddress, offset < bytes.count else { return nil }
    let start = base + offset
    let remaining = bytes.count - offset
    var length = remaining
    if let newline = memchr(start, 0x0A, remaining) {
      length = UnsafeRawPointer(newline) - start
      offset += length + 1
    } else {
      offset = bytes.count
    }
    lineNumber += 1
    if length > 0 && start.load(fromByteOffset: length - 1, as: UInt8.self) == 0x0D { length -= 1 }
    return UnsafeRawBufferPointer(start: start, count: length)
  }
}

/// Reads one raw file's lines and reports malformed ones with file:line:column.
struct AliCCPRawReader {
  let file: String
  /// The raw column names of this file's lines (6 for the skeleton, 3 for common features).
  let columns: [String]

  func error(_ line: Int, _ column: Int, _ reason: String) -> AliCCPError {
    AliCCPError(file: file, line: line, column: columns[column], reason: reason)
  }

  /// Splits `line` at commas into exactly `columns.count` pieces, written to `pieces`.
  func split(_ line: UnsafeRawBufferPointer, number: Int, into pieces: UnsafeMutablePointer<UnsafeRawBufferPointer>) throws {
    let expected = columns.count
    var found = 0
    var start = 0
    for i in 0...line.count where i == line.count || line[i] == 0x2C {
      if found < expected {
        pieces[found] = UnsafeRawBufferPointer(rebasing: line[start..<i])
      }
      found += 1
      start = i + 1
    }
    guard found == expected else {
      throw AliCCPError(
        file: file, line: number, column: "line",
        reason: "expected \(expected) comma-separated columns (\(columns.joined(separator: ","))), found \(found)")
    }
  }

  /// The non-negative integer in `piece`.
  func integer(_ piece: UnsafeRawBufferPointer, line: Int, column: Int) throws -> Int {
    guard !piece.isEmpty, piece.count <= 18 else { throw error(line, column, "expected an integer, got \"\(text(piece))\"") }
    var value = 0
    for byte in piece {
      guard byte >= 0x30 && byte <= 0x39 else { throw error(line, column, "expected an integer, got \"\(text(piece))\"") }
      value = value * 10 + Int(byte - 0x30)
    }
    return value
  }

  /// The label in `piece`: "0" or "1".
  func label(_ piece: UnsafeRawBufferPointer, line: Int, column: Int) throws -> UInt8 {
    guard piece.count == 1, piece[0] == 0x30 || piece[0] == 0x31 else {
      throw error(line, column, "expected a 0/1 label, got \"\(text(piece))\"")
    }
    return piece[0]
  }

  /// Walks `list` (column `column` of line `line`), calling `body(slot, featureID)`
  /// for each entry of a kept field (`AliCCP.slot`); checks every entry's
  /// encoding and that there are exactly `count` entries. Returns the number of
  /// entries of dropped fields.
  @discardableResult
  func forEachKept(
    in list: UnsafeRawBufferPointer, count: Int, line: Int, column: Int,
    _ body: (Int, UnsafeRawBufferPointer) throws -> Void
  ) throws -> Int {
    var entries = 0
    var dropped = 0
    var start = 0
    // An empty list holds no entries (feature_count 0), not one empty entry.
    if list.isEmpty {
      guard count == 0 else { throw error(line, column - 1, "feature_count is \(count) but the list is empty") }
      return 0
    }
    for i in 0...list.count where i == list.count || list[i] == 0x01 {
      let entry = UnsafeRawBufferPointer(rebasing: list[start..<i])
      entries += 1
      start = i + 1
      var fieldEnd = -1
      var idEnd = -1
      for (j, byte) in entry.enumerated() {
        if byte == 0x02 {
          guard fieldEnd < 0 && idEnd < 0 else { throw badEntry(entries, entry, line, column, "a second 0x02") }
          fieldEnd = j
        } else if byte == 0x03 {
          guard fieldEnd >= 0 else { throw badEntry(entries, entry, line, column, "0x03 before 0x02") }
          guard idEnd < 0 else { throw badEntry(entries, entry, line, column, "a second 0x03") }
          idEnd = j
        }
      }
      guard fieldEnd >= 0, idEnd >= 0 else {
        throw badEntry(entries, entry, line, column, "not field_id 0x02 feature_id 0x03 value")
      }
      guard fieldEnd > 0 else { throw badEntry(entries, entry, line, column, "empty field id") }
      guard idEnd > fieldEnd + 1 else { throw badEntry(entries, entry, line, column, "empty feature id") }
      guard idEnd < entry.count - 1 else { throw badEntry(entries, entry, line, column, "empty value") }
      let slot = AliCCP.slot(ofField: UnsafeRawBufferPointer(rebasing: entry[0..<fieldEnd]))
      if slot >= 0 {
        try body(slot, UnsafeRawBufferPointer(rebasing: entry[(fieldEnd + 1)..<idEnd]))
      } else {
        dropped += 1
      }
    }
    guard entries == count else {
      throw error(line, column - 1, "feature_count is \(count) but the list has \(entries) entries")
    }
    return dropped
  }

  private func badEntry(
    _ index: Int, _ entry: UnsafeRawBufferPointer, _ line: Int, _ column: Int, _ problem: String
  ) -> AliCCPError {
    error(line, column, "entry \(index) \"\(visible(entry))\": \(problem)")
  }

  /// The bytes as text, for messages.
  func text(_ piece: UnsafeRawBufferPointer) -> String { String(decoding: piece.prefix(64), as: UTF8.self) }

  /// The bytes with the control separators shown as \x01 \x02 \x03.
  private func visible(_ piece: UnsafeRawBufferPointer) -> String {
    var out = ""
    for byte in piece.prefix(64) {
      if byte < 0x20 { out += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16) } else { out.unicodeScalars.append(Unicode.Scalar(byte)) }
    }
    return out
  }
}

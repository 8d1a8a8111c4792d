// Reads the label, score (and user) columns of a delimited text file with a
// header, streaming over a mapped file; a bad value stops with file:line: reason.
import CVRFileIO
import Foundation

/// The columns `cvr evaluate` needs, one entry per data row.
public struct ScoreColumns: Sendable {
  public var labels: [Bool] = []
  public var scores: [Double] = []
  /// User ids hashed from their bytes (FNV-1a 64), when a user column was asked for.
  public var users: [Int]? = nil
  public init() {}
}

/// A row that cannot be read: "file:line: reason".
public struct ScoreFileError: Error, CustomStringConvertible, Equatable {
  public let file: String
  public let line: Int
  public let reason: String
  public var description: String { "\(file):\(line): \(reason)" }
}

public enum ScoreFile {
  /// Reads `label`, `score` and optionally `user` by header name from `url`.
  ///
  /// Rows are lines (LF or CRLF; blank lines skipped). A field may be wrapped
  /// in double quotes (a delimiter inside them is data; `""` is not unescaped
  /// and a quoted field may not span lines). Labels are 0/1 (also "0.0",
  /// "1.0", "true", "false"); scores are finite decimals; user ids are any
  /// bytes. Throws `ScoreFileError` at the first bad row.
  public static func read(
    _ url: URL, label: String, score: String, user: String? = nil, delimiter: UInt8 = UInt8(ascii: ",")
  ) throws -> ScoreColumns {
    let file = try MappedFile(url)
    let name = url.path
    let bytes = file.bytes
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
      throw ScoreFileError(file: name, line: 1, reason: "the file is empty (no header)")
    }
    var reader = LineFields(base: base, end: bytes.count, delimiter: delimiter)
    if bytes.count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { reader.position = 3 }
    guard let header = reader.nextLine() else {
      throw ScoreFileError(file: name, line: 1, reason: "the file is empty (no header)")
    }
    let names = header.fields.map { String(decoding: UnsafeBufferPointer(start: base + $0.start, count: $0.count), as: UTF8.self) }
    func column(_ wanted: String) throws -> Int {
      guard let index = names.firstIndex(of: wanted) else {
        throw ScoreFileError(
          file: name, line: header.line, reason: "no column '\(wanted)' in the header (columns: \(names.joined(separator: ", ")))")
      }
      return index
    }
    let labelIndex = try column(label), scoreIndex = try column(score)
    let userIndex = try user.map(column)
    let needed = max(labelIndex, scoreIndex, userIndex ?? 0) + 1
    var columns = ScoreColumns()
    if userIndex != nil { columns.users = [] }
    let estimate = bytes.count / max(header.byteCount, 8)
    columns.labels.reserveCapacity(estimate)
    columns.scores.reserveCapacity(estimate)
    columns.users?.reserveCapacity(estimate)
    while let row = reader.nextLine() {
      guard row.fields.count >= needed else {
        throw ScoreFileError(file: name, line: row.line, reason: "\(row.fields.count) fields, the header names \(names.count)")
      }
      func text(_ f: FieldRange) -> String {
        String(decoding: UnsafeBufferPointer(start: base + f.start, count: f.count), as: UTF8.self)
      }
      let l = row.fields[labelIndex], s = row.fields[scoreIndex]
      guard let labelValue = parseLabel(base + l.start, l.count) else {
        throw ScoreFileError(file: name, line: row.line, reason: "column '\(label)': '\(text(l))' is not a 0/1 label")
      }
      guard let scoreValue = DecimalText.parseDouble(base + s.start, s.count), scoreValue.isFinite else {
        throw ScoreFileError(file: name, line: row.line, reason: "column '\(score)': '\(text(s))' is not a finite number")
      }
      columns.labels.append(labelValue)
      columns.scores.append(scoreValue)
      if let userIndex {
        let u = row.fields[userIndex]
        columns.users!.append(Int(bitPattern: UInt(DecimalText.fnv1a(base + u.start, u.count))))
      }
    }
    return columns
  }

  /// 0/1 in any numeric spelling that equals 0 or 1, or true/false.
  static func parseLabel(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
    if n == 1 {
      if p[0] == UInt8(ascii: "0") { return false }
      if p[0] == UInt8(ascii: "1") { return true }
    }
    let word = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self).lowercased()
    if word == "true" { return true }
    if word == "false" { return false }
    switch DecimalText.parseDouble(p, n) {
    case 0: return false
    case 1: return true
    default: return nil
    }
  }
}

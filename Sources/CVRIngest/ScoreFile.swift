// Reads the label, score (and user) columns of a delimited text file with a
// header, streaming over a mapped file; a bad value stops with file:line: reason.
import CVRData
import CVRFileIO
import CVRMetrics
import Foundation

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
  /// Rows are split by the package's one CSV reader (`CSVScanner`, RFC 4180:
  /// LF or CRLF, blank lines skipped, quoted fields with `""` escapes and
  /// newlines inside quotes). Labels are 0/1 (also "0.0",
  /// "1.0", "true", "false"); scores are finite decimals; user ids are any
  /// bytes. Throws `ScoreFileError` at the first bad row.
  public static func read(
    _ url: URL, label: String, score: String, user: String? = nil, delimiter: UInt8 = UInt8(ascii: ",")
  ) throws -> ScoreColumns {
    let file = try MappedFile(url)
    let name = url.path
    let bytes = file.bytes
    var scanner = CSVScanner(bytes: bytes, delimiter: delimiter)
    scanner.skipByteOrderMark()
    // The header and the rows share one field buffer; wider rows are an error, not a crash.
    let capacity = 4096
    let fields = UnsafeMutablePointer<FieldSlice>.allocate(capacity: capacity)
    defer { fields.deallocate() }
    func next() throws -> (count: Int, line: Int)? {
      while true {
        switch scanner.nextRow(into: fields, capacity: capacity) {
        case .end: return nil
        case .malformed(let line, _, let reason): throw ScoreFileError(file: name, line: line, reason: reason)
        case .row(let count, let line):
          guard count > capacity else { return (count, line) }
          throw ScoreFileError(file: name, line: line, reason: "\(count) fields, more than the \(capacity) this reader takes")
        }
      }
    }
    func text(_ f: FieldSlice) -> String {
      String(decoding: UnsafeBufferPointer(start: scanner.pointer(f), count: f.count), as: UTF8.self)
    }
    guard let header = try next() else {
      throw ScoreFileError(file: name, line: 1, reason: "the file is empty (no header)")
    }
    let names = (0..<header.count).map { text(fields[$0]) }
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
    let headerBytes = names.reduce(names.count) { $0 + $1.utf8.count }
    let estimate = bytes.count / max(headerBytes, 8)
    columns.labels.reserveCapacity(estimate)
    columns.scores.reserveCapacity(estimate)
    columns.users?.reserveCapacity(estimate)
    while let row = try next() {
      guard row.count >= needed else {
        throw ScoreFileError(file: name, line: row.line, reason: "\(row.count) fields, the header names \(names.count)")
      }
      let l = fields[labelIndex], s = fields[scoreIndex]
      guard let labelValue = parseLabel(scanner.pointer(l), l.count) else {
        throw ScoreFileError(file: name, line: row.line, reason: "column '\(label)': '\(text(l))' is not a 0/1 label")
      }
      guard let scoreValue = DecimalText.parseDouble(scanner.pointer(s), s.count), scoreValue.isFinite else {
        throw ScoreFileError(file: name, line: row.line, reason: "column '\(score)': '\(text(s))' is not a finite number")
      }
      columns.labels.append(labelValue)
      columns.scores.append(scoreValue)
      if let userIndex {
        let u = fields[userIndex]
        columns.users!.append(Int(bitPattern: UInt(DecimalText.fnv1a(scanner.pointer(u), u.count))))
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

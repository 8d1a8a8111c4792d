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
  public init(file: String, line: Int, reason: String) {
    self.file = file
    self.line = line
    self.reason = reason
  }
}

/// A row filter of `ScoreFile.read`: keep rows whose `column` holds `value`.
///
/// Rule: the field's text equals `value`, or both read as finite decimals and are
/// equal as numbers (so `click=1` keeps "1" and "1.0"). Several filters are ANDed.
public struct ScoreFilter: Equatable, Sendable, CustomStringConvertible {
  public let column: String
  public let value: String
  public init(column: String, value: String) {
    self.column = column
    self.value = value
  }

  /// "column=value" (the first '=' splits; the value may be empty, the column may not), or nil.
  public init?(parsing text: String) {
    guard let equals = text.firstIndex(of: "=") else { return nil }
    let column = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
    guard !column.isEmpty else { return nil }
    self.init(column: column, value: String(text[text.index(after: equals)...]))
  }

  public var description: String { "\(column)=\(value)" }
}

/// What a filtered read kept.
public struct ScoreFileCounts: Equatable, Sendable {
  /// Data rows in the file, and those every filter kept.
  public var rows = 0
  public var kept = 0
  public init(rows: Int = 0, kept: Int = 0) {
    self.rows = rows
    self.kept = kept
  }
}

public enum ScoreFile {
  /// Reads `label`, `score` and optionally `user` by header name from `url`.
  ///
  /// Rows are split by the package's one CSV reader (`CSVScanner`, RFC 4180:
  /// LF or CRLF, blank lines skipped, quoted fields with `""` escapes and
  /// newlines inside quotes). Labels are 0/1 (also "0.0",
  /// "1.0", "true", "false"); scores are finite decimals; user ids are any
  /// bytes. Rows that fail a `filters` entry are left out before their label
  /// and score are read (a filter column that is not in the header is an error).
  /// Throws `ScoreFileError` at the first bad row.
  public static func read(
    _ url: URL, label: String, score: String, user: String? = nil, delimiter: UInt8 = UInt8(ascii: ","),
    filters: [ScoreFilter] = []
  ) throws -> ScoreColumns {
    try readCounting(url, label: label, score: score, user: user, delimiter: delimiter, filters: filters).columns
  }

  /// `read`, with how many data rows the file has and how many the filters kept.
  public static func readCounting(
    _ url: URL, label: String, score: String, user: String? = nil, delimiter: UInt8 = UInt8(ascii: ","),
    filters: [ScoreFilter] = []
  ) throws -> (columns: ScoreColumns, counts: ScoreFileCounts) {
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
    func column(_ wanted: String, flag: String = "") throws -> Int {
      guard let index = names.firstIndex(of: wanted) else {
        let columns = names.joined(separator: ", ")
        throw ScoreFileError(
          file: name, line: header.line,
          reason: "\(flag)no column '\(wanted)' in the header (columns: \(columns.count > 200 ? String(columns.prefix(200)) + "…" : columns))")
      }
      return index
    }
    let labelIndex = try column(label), scoreIndex = try column(score)
    let userIndex = try user.map { try column($0) }
    let filterColumns = try filters.map { try column($0.column, flag: "--where \($0.description.prefix(80)): ") }
    let filterNumbers = filters.map { filter -> Double? in
      let bytes = Array(filter.value.utf8)
      return bytes.withUnsafeBufferPointer { b in
        b.baseAddress.flatMap { DecimalText.parseDouble($0, b.count) }.flatMap { $0.isFinite ? $0 : nil }
      }
    }
    func keeps(_ k: Int) -> Bool {
      let f = fields[filterColumns[k]]
      let p = scanner.pointer(f)
      let wanted = filters[k].value.utf8
      if f.count == wanted.count, zip(UnsafeBufferPointer(start: p, count: f.count), wanted).allSatisfy({ $0 == $1 }) {
        return true
      }
      guard let number = filterNumbers[k], let value = DecimalText.parseDouble(p, f.count) else { return false }
      return value == number
    }
    let needed = max(labelIndex, scoreIndex, userIndex ?? 0, filterColumns.max() ?? 0) + 1
    var tally = ScoreFileCounts()
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
      tally.rows += 1
      guard filters.indices.allSatisfy(keeps) else { continue }
      tally.kept += 1
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
    return (columns, tally)
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

// Occasion names → Int32 codes: from an occasion column (fixed list or first
// appearance) or from a calendar file mapping each day to its occasion.
import CVRData
import CVRFileIO
import Foundation

/// Codes occasion names found in a column, without making a String per row.
///
/// With `fixed` names (schema.occasions) an unknown name is an error; without,
/// a new name gets the next code in order of first appearance.
final class OccasionCoder {
  private(set) var names: [String]
  private var bytes: [[UInt8]]
  private let fixed: Bool

  init(fixed: [String]?) {
    names = fixed ?? []
    bytes = names.map { Array($0.utf8) }
    self.fixed = fixed != nil
  }

  /// The code of the name in `p ..< p+n`.
  func code(_ p: UnsafePointer<UInt8>, _ n: Int) throws(FieldFailure) -> Int32 {
    guard n > 0 else { throw FieldFailure("empty field") }
    for (k, name) in bytes.enumerated() where name.count == n {
      if name.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, n) == 0 }) { return Int32(k) }
    }
    guard !fixed else { throw FieldFailure("unknown occasion '\(fieldText(p, n))' (the schema lists \(names))") }
    names.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
    bytes.append(Array(UnsafeBufferPointer(start: p, count: n)))
    return Int32(names.count - 1)
  }
}

/// A calendar file: `day,occasion` lines (an optional header line), days as
/// integers or yyyy-mm-dd, read once before the data.
struct IngestCalendar {
  let file: String
  let names: [String]
  /// CRC32 of the file's bytes: part of the cache key (a changed calendar rebuilds).
  let checksum: UInt32
  private let codes: [Int32: Int32]

  /// The occasion code of `day`, nil when the calendar does not list it.
  @inline(__always)
  func code(day: Int32) -> Int32? { codes[day] }

  /// Reads and checks the calendar; occasion codes follow `fixed` when given,
  /// otherwise the order of first appearance.
  static func read(_ url: URL, fixed: [String]?) throws -> IngestCalendar {
    let file = url.path
    let mapped: MappedFile
    do { mapped = try MappedFile(url) } catch FileIOError.unreadable(_, let reason) {
      throw DataError(file: file, line: 0, reason: "cannot read the calendar file the schema names: \(reason)")
    }
    let coder = OccasionCoder(fixed: fixed)
    var codes: [Int32: Int32] = [:]
    var scanner = CSVScanner(bytes: mapped.bytes, delimiter: UInt8(ascii: ","))
    let fields = UnsafeMutablePointer<FieldSlice>.allocate(capacity: 2)
    defer { fields.deallocate() }
    var first = true
    while true {
      switch scanner.nextRow(into: fields, capacity: 2) {
      case .end:
        return IngestCalendar(file: file, names: coder.names, checksum: CRC32.checksum(mapped.bytes), codes: codes)
      case .malformed(let line, _, let reason):
        throw DataError(file: file, line: line, reason: reason)
      case .row(let count, let line):
        guard count == 2 else {
          throw DataError(file: file, line: line, reason: "a calendar line needs 2 fields (day,occasion), found \(count)")
        }
        let dayField = fields[0], nameField = fields[1]
        guard let day = FieldParsers.parseDay(scanner.pointer(dayField), dayField.count) else {
          if first { first = false; continue }  // a header line
          throw DataError(file: file, line: line, column: "day", fieldIndex: 0,
                          reason: "'\(fieldText(scanner.pointer(dayField), dayField.count))' is not a day")
        }
        first = false
        let code: Int32
        do { code = try coder.code(scanner.pointer(nameField), nameField.count) } catch {
          throw DataError(file: file, line: line, column: "occasion", fieldIndex: 1, reason: error.reason)
        }
        if let old = codes[day], old != code {
          throw DataError(file: file, line: line, column: "day", fieldIndex: 0,
                          reason: "day \(day) is listed twice with different occasions")
        }
        codes[day] = code
      }
    }
  }

  /// A day as "19876 (2024-06-01)" for error messages.
  static func describe(day: Int32) -> String {
    let date = Date(timeIntervalSince1970: Double(day) * 86_400)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day], from: date)
    let text = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    return "\(day) (\(text))"
  }
}

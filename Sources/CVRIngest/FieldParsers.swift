// Integers, dates and hashes read straight from a field's bytes (floats come
// from CVRFileIO.DecimalText): no String per field, so a row decodes without allocating.
import CVRData
import CVRFileIO

/// Byte-slice parsers for CSV fields. Each returns nil when the bytes are not
/// the expected form; the caller turns that into a `DataError` naming the field.
enum FieldParsers {
  /// A leading '-' or '+': whether the number is negative, and where its digits start.
  @inline(__always)
  static func sign(_ p: UnsafePointer<UInt8>) -> (negative: Bool, start: Int) {
    let c = p[0]
    return c == UInt8(ascii: "-") ? (true, 1) : (c == UInt8(ascii: "+") ? (false, 1) : (false, 0))
  }

  /// A decimal integer: optional '-' or '+', then 1...18 digits (so it cannot overflow).
  @inline(__always)
  static func parseInt(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
    guard n > 0 else { return nil }
    var (negative, i) = sign(p)
    guard i < n, n - i <= 18 else { return nil }
    var value = 0
    while i < n {
      let digit = Int(p[i]) &- 48
      guard digit >= 0 && digit <= 9 else { return nil }
      value = value &* 10 &+ digit
      i += 1
    }
    return negative ? -value : value
  }

  /// Whether the bytes are written as a decimal number: only digits, one
  /// leading sign, '.', and an exponent 'e'/'E' with its own sign. strtof also
  /// reads "0x10", "inf", "nan" and "infinity"; a data file holding those is
  /// almost always a bug upstream, so ingestion refuses them rather than
  /// reading 0x10 as 16.
  @inline(__always)
  static func isDecimal(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var digits = false
    for i in 0..<n {
      let c = p[i]
      if c >= 48 && c <= 57 { digits = true; continue }
      switch c {
      case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "-"), UInt8(ascii: "+"): continue
      default: return false
      }
    }
    return digits
  }

  /// A decimal Float, correctly rounded (CVRFileIO.DecimalText: Clinger's fast path, strtof otherwise).
  @inline(__always)
  static func parseFloat(_ p: UnsafePointer<UInt8>, _ n: Int) -> Float? { DecimalText.parseFloat(p, n) }

  /// A day: an integer day index, or a yyyy-mm-dd date as days since 1970-01-01.
  static func parseDay(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32? {
    if n == 10, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-") {
      guard let y = parseInt(p, 4), let m = parseInt(p + 5, 2), let d = parseInt(p + 8, 2),
        p[0] != UInt8(ascii: "-"), p[5] != UInt8(ascii: "-"), p[8] != UInt8(ascii: "-"),
        m >= 1, m <= 12, d >= 1, d <= daysInMonth(year: y, month: m)
      else { return nil }
      return Int32(daysFromCivil(year: y, month: m, day: d))
    }
    guard let value = parseInt(p, n), value >= Int(Int32.min), value <= Int(Int32.max) else { return nil }
    return Int32(value)
  }

  static func daysInMonth(year: Int, month: Int) -> Int {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// FNV-1a 64 of the bytes: offset basis 0xcbf29ce484222325, prime 0x100000001b3.
  @inline(__always)
  static func fnv1a(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 { DecimalText.fnv1a(p, n) }
}

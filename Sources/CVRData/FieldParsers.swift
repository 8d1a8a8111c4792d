// Numbers, dates and hashes read straight from a field's bytes: no String is
// made per field, so a CSV row decodes without allocating.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

  /// Exact powers of ten in Float (10^10 = 2^10 · 5^10 and 5^10 < 2^24).
  private static let powersOfTen: [Float] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

  /// A decimal Float, correctly rounded; nil when the bytes are not a number.
  ///
  /// Fast path (Clinger 1990): when the digits form an integer m ≤ 2^24 and the
  /// decimal exponent e has |e| ≤ 10, both m and 10^|e| are exact Floats, so one
  /// IEEE multiply or divide gives the correctly rounded m · 10^e. Everything
  /// else ("0.8444218515250481", "nan", "inf", 1e-30) goes to `strtof` on a
  /// NUL-terminated stack copy. NaN and infinities parse here; the caller
  /// decides whether they are allowed.
  static func parseFloat(_ p: UnsafePointer<UInt8>, _ n: Int) -> Float? {
    guard n > 0 else { return nil }
    var (negative, i) = sign(p)
    var mantissa: UInt32 = 0
    var exponent = 0
    var digits = 0
    var exact = true
    while i < n, p[i] &- 48 <= 9 {
      mantissa = mantissa &* 10 &+ UInt32(p[i] &- 48)
      if mantissa > 1 << 24 { exact = false; break }
      digits += 1
      i += 1
    }
    if exact, i < n, p[i] == UInt8(ascii: ".") {
      i += 1
      while i < n, p[i] &- 48 <= 9 {
        mantissa = mantissa &* 10 &+ UInt32(p[i] &- 48)
        if mantissa > 1 << 24 { exact = false; break }
        exponent -= 1
        digits += 1
        i += 1
      }
    }
    if exact, digits > 0, i < n, p[i] | 0x20 == UInt8(ascii: "e") {
      var j = i + 1
      var negativeExponent = false
      if j < n, p[j] == UInt8(ascii: "-") || p[j] == UInt8(ascii: "+") {
        negativeExponent = p[j] == UInt8(ascii: "-")
        j += 1
      }
      var e = 0
      let start = j
      while j < n, p[j] &- 48 <= 9, e < 1000 {
        e = e * 10 + Int(p[j] &- 48)
        j += 1
      }
      if j > start { exponent += negativeExponent ? -e : e; i = j } else { exact = false }
    }
    if exact, digits > 0, i == n, exponent >= -10, exponent <= 10 {
      let m = Float(mantissa)
      let value = exponent < 0 ? m / powersOfTen[-exponent] : m * powersOfTen[exponent]
      return negative ? -value : value
    }
    return slowFloat(p, n)
  }

  /// `strtof` over a stack copy; the whole field must be consumed and may not
  /// start with white space (strtof would skip it).
  private static func slowFloat(_ p: UnsafePointer<UInt8>, _ n: Int) -> Float? {
    guard n <= 256, p[0] != UInt8(ascii: " "), p[0] != UInt8(ascii: "\t") else { return nil }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer -> Float? in
      let base = buffer.baseAddress!
      UnsafeMutableRawPointer(base).copyMemory(from: p, byteCount: n)
      base[n] = 0
      var end: UnsafeMutablePointer<CChar>? = nil
      let value = strtof(base, &end)
      guard let end, end - base == n else { return nil }
      return value
    }
  }

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
  static func fnv1a(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for i in 0..<n { hash = (hash ^ UInt64(p[i])) &* 0x0000_0100_0000_01B3 }
    return hash
  }
}

// Numbers and hashes read straight from a text field's bytes, with no String
// per field: the CSV ingestion (CVRData) and the score-file reader
// (CVRMetrics) both parse millions of fields through these.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum DecimalText {
  /// Exact powers of ten: up to 10^10 in Float (5^10 < 2^24), up to 10^22 in Double (5^22 < 2^53).
  private static let floatPowers: [Float] = (0...10).map { e in (0..<e).reduce(Float(1)) { p, _ in p * 10 } }
  private static let doublePowers: [Double] = (0...22).map { e in (0..<e).reduce(1.0) { p, _ in p * 10 } }

  /// A decimal `[+-]digits[.digits][e[+-]digits]` as an integer mantissa and a
  /// power-of-ten exponent. `exact` is false when the mantissa passed `limit`,
  /// when there are no digits, or when bytes are left over (the slow path decides).
  private struct Scan {
    var negative = false, mantissa: UInt64 = 0, exponent = 0, exact = false
  }

  @inline(__always)
  private static func scan(_ p: UnsafePointer<UInt8>, _ n: Int, limit: UInt64) -> Scan {
    var s = Scan()
    var i = 0
    if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
      s.negative = p[0] == UInt8(ascii: "-")
      i = 1
    }
    var digits = 0
    var fits = true
    while i < n, p[i] &- 48 <= 9 {
      s.mantissa = s.mantissa &* 10 &+ UInt64(p[i] &- 48)
      if s.mantissa > limit { fits = false; break }
      digits += 1
      i += 1
    }
    if fits, i < n, p[i] == UInt8(ascii: ".") {
      i += 1
      while i < n, p[i] &- 48 <= 9 {
        s.mantissa = s.mantissa &* 10 &+ UInt64(p[i] &- 48)
        if s.mantissa > limit { fits = false; break }
        s.exponent -= 1
        digits += 1
        i += 1
      }
    }
    if fits, digits > 0, i < n, p[i] | 0x20 == UInt8(ascii: "e") {
      var j = i + 1
      var negativeExponent = false
      if j < n, p[j] == UInt8(ascii: "-") || p[j] == UInt8(ascii: "+") {
        negativeExponent = p[j] == UInt8(ascii: "-")
        j += 1
      }
      var e = 0
      let start = j
      while j < n, p[j] &- 48 <= 9, e < 10_000 {
        e = e * 10 + Int(p[j] &- 48)
        j += 1
      }
      if j > start { s.exponent += negativeExponent ? -e : e; i = j } else { fits = false }
    }
    s.exact = fits && digits > 0 && i == n
    return s
  }

  /// A decimal Float, correctly rounded; nil when the bytes are not a number.
  ///
  /// Fast path (Clinger 1990): when the digits form an integer m ≤ 2^24 and the
  /// decimal exponent e has |e| ≤ 10, both m and 10^|e| are exact Floats, so one
  /// IEEE multiply or divide gives the correctly rounded m · 10^e. Everything
  /// else ("0.8444218515250481", "nan", "inf", 1e-30) goes to `strtof` on a
  /// NUL-terminated stack copy. NaN and infinities parse; the caller decides
  /// whether they are allowed.
  public static func parseFloat(_ p: UnsafePointer<UInt8>, _ n: Int) -> Float? {
    guard n > 0 else { return nil }
    let s = scan(p, n, limit: 1 << 24)
    if s.exact, s.exponent >= -10, s.exponent <= 10 {
      let m = Float(s.mantissa)
      let value = s.exponent < 0 ? m / floatPowers[-s.exponent] : m * floatPowers[s.exponent]
      return s.negative ? -value : value
    }
    return slowParse(p, n) { strtof($0, $1) }
  }

  /// A decimal Double, correctly rounded; nil when the bytes are not a number.
  /// As `parseFloat` with m < 2^53 and |e| ≤ 22 on the fast path, `strtod` otherwise.
  public static func parseDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    guard n > 0 else { return nil }
    let s = scan(p, n, limit: (1 << 53) - 1)
    if s.exact, s.exponent >= -22, s.exponent <= 22 {
      let m = Double(s.mantissa)
      let value = s.exponent < 0 ? m / doublePowers[-s.exponent] : m * doublePowers[s.exponent]
      return s.negative ? -value : value
    }
    return slowParse(p, n) { strtod($0, $1) }
  }

  /// `convert` (strtof or strtod) over a NUL-terminated stack copy; the whole
  /// field must be consumed and may not start with white space (the C parsers skip it).
  private static func slowParse<T>(
    _ p: UnsafePointer<UInt8>, _ n: Int,
    _ convert: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> T
  ) -> T? {
    guard n <= 512, p[0] != UInt8(ascii: " "), p[0] != UInt8(ascii: "\t") else { return nil }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer -> T? in
      let base = buffer.baseAddress!
      UnsafeMutableRawPointer(base).copyMemory(from: p, byteCount: n)
      base[n] = 0
      var end: UnsafeMutablePointer<CChar>? = nil
      let value = convert(base, &end)
      guard let end, end - base == n else { return nil }
      return value
    }
  }

  /// FNV-1a 64 of the bytes: ids of any form as a well-mixed integer.
  @inline(__always)
  public static func fnv1a(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for i in 0..<n { hash = (hash ^ UInt64(p[i])) &* 0x0000_0100_0000_01B3 }
    return hash
  }
}

// Numbers read straight from a field's bytes in Double (no String per field),
// so a million-row score file parses in a fraction of a second.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum DecimalParser {
  /// Exact powers of ten in Double (5^22 < 2^53).
  private static let powersOfTen: [Double] = (0...22).map { e in
    var p = 1.0
    for _ in 0..<e { p *= 10 }
    return p
  }

  /// A decimal Double, correctly rounded; nil when the bytes are not a number.
  ///
  /// Fast path (Clinger 1990): digits forming an integer m < 2^53 with decimal
  /// exponent |e| ≤ 22 are exact Doubles, so one IEEE multiply or divide gives
  /// the correctly rounded m·10^e ("0.123", "1e-5"). Anything else (17 digits,
  /// "nan", "inf") goes to `strtod` on a NUL-terminated stack copy.
  static func parseDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    guard n > 0 else { return nil }
    var i = 0
    let negative = p[0] == UInt8(ascii: "-")
    if negative || p[0] == UInt8(ascii: "+") { i = 1 }
    var mantissa: UInt64 = 0, exponent = 0, digits = 0
    var exact = true
    while i < n, p[i] &- 48 <= 9 {
      mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48)
      if mantissa >= 1 << 53 { exact = false; break }
      digits += 1
      i += 1
    }
    if exact, i < n, p[i] == UInt8(ascii: ".") {
      i += 1
      while i < n, p[i] &- 48 <= 9 {
        mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48)
        if mantissa >= 1 << 53 { exact = false; break }
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
      while j < n, p[j] &- 48 <= 9, e < 10_000 {
        e = e * 10 + Int(p[j] &- 48)
        j += 1
      }
      if j > start { exponent += negativeExponent ? -e : e; i = j } else { exact = false }
    }
    if exact, digits > 0, i == n, exponent >= -22, exponent <= 22 {
      let m = Double(mantissa)
      let value = exponent < 0 ? m / powersOfTen[-exponent] : m * powersOfTen[exponent]
      return negative ? -value : value
    }
    return slowDouble(p, n)
  }

  /// `strtod` over a stack copy; the whole field must be consumed and may not
  /// start with white space (strtod would skip it).
  private static func slowDouble(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
    guard n <= 512, p[0] != UInt8(ascii: " "), p[0] != UInt8(ascii: "\t") else { return nil }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer -> Double? in
      let base = buffer.baseAddress!
      UnsafeMutableRawPointer(base).copyMemory(from: p, byteCount: n)
      base[n] = 0
      var end: UnsafeMutablePointer<CChar>? = nil
      let value = strtod(base, &end)
      guard let end, end - base == n else { return nil }
      return value
    }
  }

  /// FNV-1a 64 of the bytes: a user id of any form as an Int key.
  static func fnv1a(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for i in 0..<n { hash = (hash ^ UInt64(p[i])) &* 0x0000_0100_0000_01B3 }
    return Int(bitPattern: UInt(hash))
  }
}

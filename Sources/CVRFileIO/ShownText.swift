// Values from a user's file as they appear inside an error message: cut to a
// readable length and with control or invalid bytes escaped, so a 10 MB line
// or a binary file never floods or corrupts the terminal.

/// Formats user bytes for messages.
///
/// Rules: at most `limit` characters are shown; a longer value ends in
/// "… (N bytes)" with N the full size. Printable ASCII and valid UTF-8 are kept;
/// a tab, newline or return shows as `\t`, `\n`, `\r`; any other control byte
/// (NUL included) and any byte that is not valid UTF-8 shows as `\xHH`.
public enum ShownText {
  public static let defaultLimit = 80

  /// The bytes `p ..< p+n`, escaped and cut.
  public static func cut(_ p: UnsafePointer<UInt8>, _ n: Int, limit: Int = defaultLimit) -> String {
    cut(UnsafeBufferPointer(start: p, count: n), limit: limit)
  }

  /// `text`, escaped and cut.
  public static func cut(_ text: String, limit: Int = defaultLimit) -> String {
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBufferPointer { cut(UnsafeBufferPointer($0), limit: limit) }
  }

  public static func cut(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = defaultLimit) -> String {
    var out = ""
    var shown = 0
    var i = 0
    let n = bytes.count
    while i < n && shown < limit {
      let b = bytes[i]
      if b >= 0x20 && b < 0x7f {
        out.unicodeScalars.append(Unicode.Scalar(b))
        i += 1
      } else if b == 0x09 || b == 0x0a || b == 0x0d {
        out += b == 0x09 ? "\\t" : (b == 0x0a ? "\\n" : "\\r")
        i += 1
      } else if b >= 0x80, let (scalar, length) = utf8Scalar(bytes, at: i), scalar.value >= 0xa0 {
        out.unicodeScalars.append(scalar)
        i += length
      } else {
        out += "\\x" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
        i += 1
      }
      shown += 1
    }
    if i < n { out += "… (\(n) bytes)" }
    return out
  }

  /// The scalar encoded at `i` when the bytes there are well-formed UTF-8.
  private static func utf8Scalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int)? {
    let lead = bytes[i]
    let length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0
    guard length > 0, i + length <= bytes.count else { return nil }
    var decoder = UTF8()
    var iterator = UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]).makeIterator()
    guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
    return (scalar, length)
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}

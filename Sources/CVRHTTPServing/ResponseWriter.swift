// JSON text of score responses written straight into bytes: a 100-row answer
// is a few arrays of floats, and Float's shortest round-trip text (the text
// `cvr predict` writes) keeps every digit a client needs.

/// Appends JSON tokens to a byte buffer.
struct ResponseWriter {
  var bytes: [UInt8] = []

  init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

  mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

  /// A JSON string, escaped (quotes, backslash, control characters).
  mutating func string(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): raw("\\\"")
      case UInt8(ascii: "\\"): raw("\\\\")
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// A probability: Float's shortest text (null if not finite, which JSON cannot hold).
  mutating func number(_ value: Float) { raw(value.isFinite ? value.description : "null") }

  mutating func numbers(_ values: some Collection<Float>) {
    bytes.append(UInt8(ascii: "["))
    for (i, value) in values.enumerated() {
      if i > 0 { bytes.append(UInt8(ascii: ",")) }
      number(value)
    }
    bytes.append(UInt8(ascii: "]"))
  }
}

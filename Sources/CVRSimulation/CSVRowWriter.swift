// A buffered CSV writer over an AtomicFile.Writer: fields are formatted by fixed
// routines (no locale, no shortest-float printing), so the same values give the
// same bytes on every run, and the file streams out in 1 MiB chunks.
import CVRData
import CVRFileIO

/// Appends CSV fields to a byte buffer and flushes it to `sink` when it fills.
final class CSVRowWriter {
  private let sink: AtomicFile.Writer
  private var buffer: [UInt8] = []
  private let chunk: Int
  private let delimiter: UInt8
  private var atLineStart = true

  init(_ sink: AtomicFile.Writer, delimiter: UInt8 = UInt8(ascii: ","), chunk: Int = 1 << 20) {
    self.sink = sink
    self.delimiter = delimiter
    self.chunk = chunk
    buffer.reserveCapacity(chunk + 4096)
  }

  /// Starts a field: a delimiter unless it is the first of the line.
  @inline(__always)
  private func separate() {
    if atLineStart { atLineStart = false } else { buffer.append(delimiter) }
  }

  /// A field of raw text (the caller guarantees it holds no delimiter, quote or newline).
  func text(_ s: String) {
    separate()
    buffer.append(contentsOf: s.utf8)
  }

  /// A decimal integer field.
  func int(_ value: Int) {
    separate()
    appendDigits(value)
  }

  /// `values` joined by `separator` as one field (a sequence or multi-valued column).
  func list(_ values: UnsafeBufferPointer<Int32>, separator: UInt8) {
    separate()
    for (k, v) in values.enumerated() {
      if k > 0 { buffer.append(separator) }
      appendDigits(Int(v))
    }
  }

  /// A fixed-point field with `decimals` digits after the point, rounded half away
  /// from zero by integer arithmetic (e.g. 0.1234567 with 6 decimals → "0.123457").
  func fixed(_ value: Double, decimals: Int) {
    precondition(value.isFinite, "CSVRowWriter: non-finite value \(value)")
    separate()
    var scale = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * Double(scale)).rounded(.toNearestOrAwayFromZero)
    let units = Int(scaled)
    if value < 0 && units != 0 { buffer.append(UInt8(ascii: "-")) }
    appendDigits(units / scale)
    guard decimals > 0 else { return }
    buffer.append(UInt8(ascii: "."))
    var fraction = units % scale
    let start = buffer.count
    for _ in 0..<decimals {
      buffer.append(UInt8(ascii: "0") + UInt8(fraction % 10))
      fraction /= 10
    }
    buffer[start..<buffer.count].reverse()
  }

  /// Ends the row, flushing when the buffer has reached the chunk size.
  func endLine() throws {
    buffer.append(UInt8(ascii: "\n"))
    atLineStart = true
    if buffer.count >= chunk { try flush() }
  }

  /// Writes whatever is buffered.
  func flush() throws {
    guard !buffer.isEmpty else { return }
    try buffer.withUnsafeBytes { try sink.write($0) }
    buffer.removeAll(keepingCapacity: true)
  }

  private func appendDigits(_ value: Int) {
    if value < 0 { buffer.append(UInt8(ascii: "-")) }
    var v = value.magnitude
    if v == 0 {
      buffer.append(UInt8(ascii: "0"))
      return
    }
    let start = buffer.count
    while v > 0 {
      buffer.append(UInt8(ascii: "0") + UInt8(v % 10))
      v /= 10
    }
    buffer[start..<buffer.count].reverse()
  }
}

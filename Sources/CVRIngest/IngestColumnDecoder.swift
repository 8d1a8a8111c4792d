// Decodes one column's fields by its role (ids, lists, numbers, labels, days)
// and appends the values to that column's growable buffers.
import CVRData

/// Why a field could not be decoded (the parser adds file, line and column).
struct FieldFailure: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}

/// Up to 40 bytes of a field as text, for error messages.
func fieldText(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
  let shown = String(decoding: UnsafeBufferPointer(start: p, count: min(n, 40)), as: UTF8.self)
  return n > 40 ? shown + "…" : shown
}

/// The decoder of one schema column. Every row appends exactly `width` values
/// (and one length for lists), so a rejected row is undone by truncating to
/// `rows × width`.
///
/// Rules: sparse ids are integers in 0 ..< vocab, or any text hashed with
/// FNV-1a 64 into hash_buckets; lists (multi, sequence) split on the separator,
/// unused slots are −1, an empty field is an empty list, an empty id inside a
/// list is an error; a sequence keeps `max_length` ids from its `keep` end
/// (default last) — ids it drops are not decoded, so not checked; dense, truth
/// and delay must be finite numbers (NaN and infinities are errors); labels
/// must be exactly 0 or 1; an empty delay means "no delay recorded" and is NaN.
final class IngestColumnDecoder {
  let spec: ColumnSpec
  let role: ColumnSpec.Role
  /// Values per row: 1, or max_values / max_length for lists.
  let width: Int
  /// Ids, list slots, days (Int32 roles).
  let ints: GrowableBuffer<Int32>?
  /// Dense values, labels, truth (Float roles).
  let floats: GrowableBuffer<Float>?
  /// Used slots per row (lists).
  let lengths: GrowableBuffer<Int32>?
  /// The number of ids in this row's field before cutting (aligned sequences compare it).
  private(set) var tokenCount = 0
  private let vocab: Int
  private let hashBuckets: UInt64
  private let separator: UInt8
  private let keepLast: Bool

  init(_ spec: ColumnSpec, expectedRows: Int) {
    self.spec = spec
    role = spec.role
    switch spec.role {
    case .multi: width = spec.maxValues ?? 1
    case .sequence: width = spec.maxLength ?? 1
    default: width = 1
    }
    let capacity = max(1024, expectedRows) * width
    switch spec.role {
    case .sparse, .day, .multi, .sequence: ints = GrowableBuffer(initialCapacity: capacity)
    default: ints = nil
    }
    switch spec.role {
    case .dense, .click, .conversion, .action, .delay, .truth: floats = GrowableBuffer(initialCapacity: capacity)
    default: floats = nil
    }
    lengths = spec.role == .multi || spec.role == .sequence ? GrowableBuffer(initialCapacity: max(1024, expectedRows)) : nil
    vocab = spec.vocab ?? 0
    hashBuckets = UInt64(spec.hashBuckets ?? 0)
    separator = spec.separator?.utf8.first ?? 0
    keepLast = spec.keep != .first
  }

  /// Undoes everything appended after the first `rows` rows.
  func truncate(rows: Int) {
    ints?.truncate(to: rows * width)
    floats?.truncate(to: rows * width)
    lengths?.truncate(to: rows)
  }

  /// Decodes one field and appends its values.
  @inline(__always)
  func decode(_ p: UnsafePointer<UInt8>, _ n: Int) throws(FieldFailure) {
    switch role {
    case .sparse:
      guard n > 0 else { throw FieldFailure("empty field") }
      ints.unsafelyUnwrapped.append(try id(p, n))
    case .multi, .sequence:
      try decodeList(p, n)
    case .dense, .truth:
      guard n > 0 else { throw FieldFailure("empty field") }
      floats.unsafelyUnwrapped.append(try finite(p, n))
    case .delay:
      floats.unsafelyUnwrapped.append(n == 0 ? .nan : try finite(p, n))
    case .click, .conversion, .action:
      guard n == 1, p[0] == UInt8(ascii: "0") || p[0] == UInt8(ascii: "1") else {
        throw FieldFailure(n == 0 ? "empty field" : "label must be 0 or 1, got '\(fieldText(p, n))'")
      }
      floats.unsafelyUnwrapped.append(p[0] == UInt8(ascii: "1") ? 1 : 0)
    case .day:
      guard n > 0 else { throw FieldFailure("empty field") }
      guard let day = FieldParsers.parseDay(p, n) else {
        throw FieldFailure("'\(fieldText(p, n))' is not a day (an integer or yyyy-mm-dd)")
      }
      ints.unsafelyUnwrapped.append(day)
    case .occasion, .ignore:
      break  // occasions are coded by the parser once the rest of the row is good
    }
  }

  @inline(__always)
  private func finite(_ p: UnsafePointer<UInt8>, _ n: Int) throws(FieldFailure) -> Float {
    guard let value = FieldParsers.parseFloat(p, n) else { throw FieldFailure("'\(fieldText(p, n))' is not a number") }
    guard value.isFinite else {
      throw FieldFailure("'\(fieldText(p, n))': NaN and infinite values are not allowed in a \(role.rawValue) column")
    }
    return value
  }

  /// An id: the integer itself (checked against vocab) or the hash bucket of the bytes.
  @inline(__always)
  private func id(_ p: UnsafePointer<UInt8>, _ n: Int) throws(FieldFailure) -> Int32 {
    if hashBuckets > 0 { return Int32(truncatingIfNeeded: FieldParsers.fnv1a(p, n) % hashBuckets) }
    guard let value = FieldParsers.parseInt(p, n) else {
      throw FieldFailure("'\(fieldText(p, n))' is not an integer id")
    }
    guard value >= 0 && value < vocab else { throw FieldFailure("id \(value) out of range for vocab \(vocab)") }
    return Int32(value)
  }

  /// Splits a list field, checks its size, appends `width` slots and the used count.
  private func decodeList(_ p: UnsafePointer<UInt8>, _ n: Int) throws(FieldFailure) {
    let slots = ints.unsafelyUnwrapped
    var total = 0
    if n > 0 {
      total = 1
      for i in 0..<n where p[i] == separator { total += 1 }
    }
    tokenCount = total
    if role == .multi && total > width {
      throw FieldFailure("\(total) values, more than max_values \(width)")
    }
    let kept = min(total, width)
    var skip = role == .sequence && keepLast ? total - kept : 0
    slots.reserve(width)
    var start = 0
    var written = 0
    var i = 0
    while written < kept {
      while i < n && p[i] != separator { i += 1 }
      if skip > 0 {
        skip -= 1
      } else {
        guard i > start else { throw FieldFailure("empty id in a \(role.rawValue) list") }
        slots.append(try id(p + start, i - start))
        written += 1
      }
      i += 1
      start = i
    }
    slots.append(repeating: -1, count: width - kept)
    lengths.unsafelyUnwrapped.append(Int32(kept))
  }
}

// Decodes one column's fields by its role (ids, lists, numbers, labels, days)
// and appends the values to that column's growable buffers.
import CVRData
import CVRFileIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a field could not be decoded (the parser adds file, line and column).
struct FieldFailure: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}

/// A field as shown in error messages: cut to 80 characters, control and
/// invalid bytes escaped (`ShownText`).
func fieldText(_ p: UnsafePointer<UInt8>, _ n: Int) -> String { ShownText.cut(p, n) }

/// The decoder of one schema column. Every row appends exactly `width` values
/// (and one length for lists), so a rejected row is undone by truncating to
/// `rows × width`.
///
/// Rules: sparse ids are integers in 0 ..< vocab, or any text hashed with
/// FNV-1a 64 into hash_buckets; lists (multi, sequence) split on the separator,
/// unused slots are −1, an empty field is an empty list, an empty id inside a
/// list is an error; a sequence keeps `max_length` ids from its `keep` end
/// (default last) — ids it drops are not decoded, so not checked; dense, truth
/// and delay must be finite decimal numbers (NaN, infinities and hex such as
/// 0x10 are errors); a dense column under `normalize: log` must not be negative
/// (log1p of a negative value is undefined, and clamping it to 0 would hide the
/// bad value); labels must be exactly 0 or 1; an empty delay means "no delay
/// recorded" and is NaN; a hashed id must not contain a NUL byte (a binary or
/// corrupted file); every day of a column uses one format, integer or date.
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
  private let logNormalized: Bool
  /// Whether this column's days are dates (nil until the first day is read).
  private var daysAreDates: Bool?

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
    logNormalized = spec.role == .dense && spec.normalize == .log
  }

  /// (column, partner) index pairs of the sequences declared `align_with` a partner.
  static func alignedPairs(_ columns: [ColumnSpec]) -> [(Int, Int)] {
    columns.indices.compactMap { i in
      columns[i].alignWith.flatMap { partner in columns.firstIndex { $0.name == partner }.map { (i, $0) } }
    }
  }

  /// The first aligned sequence of the row just decoded whose id count differs
  /// from its partner's, and the reason; nil when every pair agrees.
  static func alignmentFailure(_ decoders: [IngestColumnDecoder], _ aligned: [(Int, Int)]) -> (Int, String)? {
    for (i, partner) in aligned where decoders[i].tokenCount != decoders[partner].tokenCount {
      return (i, "\(decoders[i].tokenCount) ids, but aligned sequence '\(decoders[partner].spec.name)' has \(decoders[partner].tokenCount)")
    }
    return nil
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
      let value = try finite(p, n)
      if logNormalized && value < 0 {
        throw FieldFailure("'\(fieldText(p, n))' is negative, and the column has normalize: log (log1p needs values ≥ 0): shift the column or use normalize: standard")
      }
      floats.unsafelyUnwrapped.append(value)
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
      let isDate = n == 10 && p[4] == UInt8(ascii: "-")
      if let daysAreDates, daysAreDates != isDate {
        throw FieldFailure("'\(fieldText(p, n))' is \(isDate ? "a date" : "a day number"), but earlier rows of this column give \(daysAreDates ? "dates (yyyy-mm-dd)" : "day numbers"): use one format in a day column")
      }
      daysAreDates = isDate
      ints.unsafelyUnwrapped.append(day)
    case .occasion, .ignore:
      break  // occasions are coded by the parser once the rest of the row is good
    }
  }

  @inline(__always)
  private func finite(_ p: UnsafePointer<UInt8>, _ n: Int) throws(FieldFailure) -> Float {
    guard FieldParsers.isDecimal(p, n), let value = FieldParsers.parseFloat(p, n) else {
      throw FieldFailure("'\(fieldText(p, n))' is not a decimal number (a \(role.rawValue) column takes digits with an optional sign, '.' and exponent; no hex, inf or nan)")
    }
    guard value.isFinite else {
      throw FieldFailure("'\(fieldText(p, n))' is too large for a 32-bit float (beyond ±3.4e38)")
    }
    return value
  }

  /// An id: the integer itself (checked against vocab) or the hash bucket of the bytes.
  @inline(__always)
  private func id(_ p: UnsafePointer<UInt8>, _ n: Int) throws(FieldFailure) -> Int32 {
    if hashBuckets > 0 {
      guard memchr(p, 0, n) == nil else {
        throw FieldFailure("the id '\(fieldText(p, n))' contains a NUL byte: is the file binary or corrupted?")
      }
      return Int32(truncatingIfNeeded: FieldParsers.fnv1a(p, n) % hashBuckets)
    }
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

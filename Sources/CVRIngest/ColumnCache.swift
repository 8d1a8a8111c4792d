// The columnar cache file: a small JSON header (keys, rows, column table) and
// 64-byte-aligned column payloads, written atomically after a good parse.
import CVRData
import CVRFileIO
import Foundation

/// Layout (little-endian):
///
///     offset  size  field
///     0       8     magic "CVRCOLS\0"
///     8       4     format version (1)
///     12      4     header length L
///     16      4     CRC32 of the header bytes
///     20      4     zero
///     24      L     header: JSON of `ColumnCacheHeader`
///     …             zeros up to `payloadStart` = 24 + L rounded up to 64
///     payloads: each column's values (Int32 or Float32) at payloadStart + offset,
///               offsets multiples of 64; the file ends at payloadStart + payloadBytes.
///
/// The header is JSON because it is small and read once; the payloads are raw
/// so a later run maps the file and uses them in place.
enum ColumnCache {
  static let magic: [UInt8] = Array("CVRCOLS\0".utf8)
  static let version: UInt32 = 1
  static let prefixSize = 24
  static let alignment = 64

  static func aligned(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

  /// The cache file of `csv`: `<directory>/<csv name>.cvrcols`.
  static func url(for csv: URL, directory: URL?) -> URL {
    let dir = directory ?? csv.deletingLastPathComponent().appendingPathComponent(".cvrcache")
    return dir.appendingPathComponent(csv.lastPathComponent + ".cvrcols")
  }

  /// What decides whether a cache is still valid, besides its own integrity.
  struct Key: Equatable {
    let source: SourceKey
    /// The schema fingerprint, hex (JSON numbers would not keep all 64 bits everywhere).
    let schema: String
    let calendarChecksum: UInt32?
  }

  /// One payload: a column (or a list's lengths) of the store.
  struct Payload {
    let kind: ColumnCacheHeader.Kind
    let name: String
    let width: Int
    let bytes: UnsafeRawBufferPointer
  }

  /// The store's columns in schema order, as the cache holds them.
  static func payloads(of store: ColumnStore) -> [Payload] {
    func raw<T>(_ c: Column<T>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(c.values) }
    var result: [Payload] = []
    for spec in store.schema.columns {
      let name = spec.name
      switch spec.role {
      case .sparse: if let c = store.ids[name] { result.append(Payload(kind: .ids, name: name, width: 1, bytes: raw(c))) }
      case .multi, .sequence:
        if let c = store.lists[name] { result.append(Payload(kind: .lists, name: name, width: c.width, bytes: raw(c))) }
        if let c = store.lengths[name] { result.append(Payload(kind: .lengths, name: name, width: 1, bytes: raw(c))) }
      case .dense: if let c = store.dense[name] { result.append(Payload(kind: .dense, name: name, width: 1, bytes: raw(c))) }
      case .click, .conversion, .action, .delay:
        if let c = store.labels[name] { result.append(Payload(kind: .labels, name: name, width: 1, bytes: raw(c))) }
      case .truth: if let c = store.truth[name] { result.append(Payload(kind: .truth, name: name, width: 1, bytes: raw(c))) }
      case .day: if let c = store.days { result.append(Payload(kind: .days, name: name, width: 1, bytes: raw(c))) }
      case .occasion, .ignore: break
      }
    }
    if let c = store.occasions { result.append(Payload(kind: .occasions, name: "occasion", width: 1, bytes: raw(c))) }
    return result
  }

  /// Writes the cache of `store` through AtomicFile (never half-written);
  /// creates the directory when needed.
  static func write(_ store: ColumnStore, key: Key, skippedRows: Int, firstSkipped: [DataError],
                    clearedConversions: Int = 0, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let payloads = payloads(of: store)
    var entries: [ColumnCacheHeader.Entry] = []
    var offset = 0
    for p in payloads {
      entries.append(.init(name: p.name, kind: p.kind, width: p.width, offset: offset, count: p.bytes.count / 4))
      offset = aligned(offset + p.bytes.count)
    }
    let header = ColumnCacheHeader(
      schemaFingerprint: key.schema, calendarChecksum: key.calendarChecksum, sourceSize: key.source.size,
      sourceChecksum: key.source.checksum, rows: store.rowCount, skippedRows: skippedRows, firstSkipped: firstSkipped,
      occasionNames: store.occasionNames, payloadBytes: offset, columns: entries,
      clearedConversions: clearedConversions)
    let json = try JSONEncoder().encode(header)
    var prefix = Data(magic)
    for word in [version, UInt32(json.count), CRC32.checksum(json), 0] {
      withUnsafeBytes(of: word.littleEndian) { prefix.append(contentsOf: $0) }
    }
    try AtomicFile.write(to: url) { writer in
      try writer.write(prefix)
      try writer.write(json)
      try writer.writeZeros(aligned(prefixSize + json.count) - prefixSize - json.count)
      for p in payloads {
        try writer.write(p.bytes)
        try writer.writeZeros(aligned(p.bytes.count) - p.bytes.count)
      }
    }
  }
}

/// The cache header (JSON): keys, row count, skipped rows, occasions, the column table.
struct ColumnCacheHeader: Codable {
  enum Kind: String, Codable { case ids, lists, lengths, dense, labels, truth, days, occasions }

  /// One payload: `count` 4-byte values, `width` per row, at payloadStart + `offset`.
  struct Entry: Codable {
    let name: String
    let kind: Kind
    let width: Int
    let offset: Int
    let count: Int
  }

  let schemaFingerprint: String
  let calendarChecksum: UInt32?
  let sourceSize: Int
  let sourceChecksum: UInt32
  let rows: Int
  /// Rows skipped (skipBadRows) when the cache was built, reported again on every load.
  let skippedRows: Int
  let firstSkipped: [DataError]
  let occasionNames: [String]
  let payloadBytes: Int
  let columns: [Entry]
  /// Conversions on unclicked rows read as 0 when the cache was built (nil in older caches: none).
  var clearedConversions: Int? = nil
}

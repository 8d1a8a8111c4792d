// Opening a column cache: every integrity and key check, then columns built as
// views into the mapped file (no copy). Anything wrong means "rebuild".
import CVRData
import CVRFileIO
import Foundation

extension ColumnCache {
  /// A cache that passed every check, with its header.
  struct Opened {
    let store: ColumnStore
    let header: ColumnCacheHeader
  }

  /// Maps the cache at `url` and returns its columns when it is intact (magic,
  /// version, header CRC, sizes, column table) and was built from the same
  /// content, schema and calendar (`key`); nil means rebuild. A cache built
  /// with skipped rows is refused unless `allowSkipped`, so a strict load
  /// re-parses and reports the bad row.
  static func open(_ url: URL, key: Key, schema: DataSchema, allowSkipped: Bool) -> Opened? {
    guard FileManager.default.fileExists(atPath: url.path), let mapped = try? MappedFile(url) else { return nil }
    let bytes = mapped.bytes
    guard bytes.count >= prefixSize, let base = bytes.baseAddress,
      Array(UnsafeRawBufferPointer(rebasing: bytes[0..<8])) == magic
    else { return nil }
    func word(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
    let headerLength = Int(word(12))
    guard word(8) == version, headerLength <= bytes.count - prefixSize else { return nil }
    let json = UnsafeRawBufferPointer(rebasing: bytes[prefixSize..<(prefixSize + headerLength)])
    guard CRC32.checksum(json) == word(16),
      let header = try? JSONDecoder().decode(ColumnCacheHeader.self, from: Data(json))
    else { return nil }
    let payloadStart = aligned(prefixSize + headerLength)
    guard header.schemaFingerprint == key.schema, header.calendarChecksum == key.calendarChecksum,
      header.sourceSize == key.source.size, header.sourceChecksum == key.source.checksum,
      header.skippedRows == 0 || allowSkipped, header.rows >= 0,
      header.payloadBytes >= 0, bytes.count == payloadStart + header.payloadBytes
    else { return nil }

    var store = ColumnStore(schema: schema, rowCount: header.rows)
    for entry in header.columns {
      guard entry.width >= 1, entry.offset >= 0, entry.offset % alignment == 0, entry.count == header.rows * entry.width,
        entry.offset + entry.count * 4 <= header.payloadBytes
      else { return nil }
      let start = base + payloadStart + entry.offset
      let ints = Column(values: UnsafeBufferPointer(start: start.assumingMemoryBound(to: Int32.self), count: entry.count),
                        width: entry.width, owner: mapped)
      let floats = Column(values: UnsafeBufferPointer(start: start.assumingMemoryBound(to: Float.self), count: entry.count),
                          width: entry.width, owner: mapped)
      switch entry.kind {
      case .ids: store.ids[entry.name] = ints
      case .lists: store.lists[entry.name] = ints
      case .lengths: store.lengths[entry.name] = ints
      case .dense: store.dense[entry.name] = floats
      case .labels: store.labels[entry.name] = floats
      case .truth: store.truth[entry.name] = floats
      case .days: store.days = ints
      case .occasions: store.occasions = ints
      }
    }
    store.occasionNames = header.occasionNames
    // The column table must hold exactly what this schema decodes to.
    let expected = Set(payloads(of: store).map { "\($0.kind.rawValue)/\($0.name)" })
    let stored = header.columns.map { "\($0.kind.rawValue)/\($0.name)" }
    guard Set(stored) == expected, stored.count == expected.count, hasEveryColumn(store, schema) else { return nil }
    return Opened(store: store, header: header)
  }

  /// Whether every column the schema decodes to is present (a tampered table could drop one).
  private static func hasEveryColumn(_ store: ColumnStore, _ schema: DataSchema) -> Bool {
    for spec in schema.columns {
      let name = spec.name
      switch spec.role {
      case .sparse: if store.ids[name] == nil { return false }
      case .multi, .sequence: if store.lists[name] == nil || store.lengths[name] == nil { return false }
      case .dense: if store.dense[name] == nil { return false }
      case .click, .conversion, .action, .delay: if store.labels[name] == nil { return false }
      case .truth: if store.truth[name] == nil { return false }
      case .day: if store.days == nil { return false }
      case .occasion: if store.occasions == nil { return false }
      case .ignore: break
      }
    }
    if schema.calendar != nil && store.occasions == nil { return false }
    return true
  }
}

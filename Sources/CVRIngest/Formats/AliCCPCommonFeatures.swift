// The common_features file held in memory: for each common_feature_index,
// only the kept single-valued fields, packed into one byte arena.
import CVRData
import CVRFileIO
import Foundation

/// Kept (slot, feature id) pairs of every common feature row, keyed by
/// `common_feature_index`.
///
/// This is the one part of the conversion that is held in memory: skeleton
/// rows refer to common rows in any order, so all of them must be at hand
/// (about 730k entries in the real train file). To keep that small, only the
/// ≤ 18 kept fields survive (the multi-valued fields, most of the file, are
/// dropped while reading) and each entry is packed as
/// `[slot: UInt8][length: UInt8][id bytes]...` into one shared byte array.
struct AliCCPCommonFeatures {
  /// Entry number of each index.
  private(set) var entryOf: [String: Int32] = [:]
  /// Entry e's records are `arena[starts[e] ..< starts[e + 1]]`.
  private(set) var starts: [Int] = [0]
  private(set) var arena: [UInt8] = []
  /// Entries of dropped (not kept) fields seen while reading.
  private(set) var droppedEntries = 0

  var count: Int { entryOf.count }

  /// Reads `url` (`common_feature_index,feature_count,feature_list` lines).
  init(contentsOf url: URL) throws {
    let file = try MappedFile(url)
    let reader = AliCCPRawReader(file: url.path, columns: ["common_feature_index", "feature_count", "feature_list"])
    var cursor = RawLineCursor(file.bytes)
    let pieces = UnsafeMutablePointer<UnsafeRawBufferPointer>.allocate(capacity: 3)
    defer { pieces.deallocate() }
    var seen = [Bool](repeating: false, count: AliCCP.fields.count)
    while let line = cursor.next() {
      let number = cursor.lineNumber
      try reader.split(line, number: number, into: pieces)
      guard !pieces[0].isEmpty else { throw reader.error(number, 0, "empty common_feature_index") }
      let key = String(decoding: pieces[0], as: UTF8.self)
      guard entryOf[key] == nil else {
        throw reader.error(number, 0, "common_feature_index \(key) appears a second time")
      }
      let count = try reader.integer(pieces[1], line: number, column: 1)
      for i in seen.indices { seen[i] = false }
      droppedEntries += try reader.forEachKept(in: pieces[2], count: count, line: number, column: 2) { slot, id in
        guard !seen[slot] else {
          throw reader.error(number, 2, "field \(AliCCP.fields[slot]) appears twice (a single-valued field)")
        }
        guard id.count <= 255 else { throw reader.error(number, 2, "feature id longer than 255 bytes") }
        seen[slot] = true
        arena.append(UInt8(slot))
        arena.append(UInt8(id.count))
        arena.append(contentsOf: id)
      }
      entryOf[key] = Int32(starts.count - 1)
      starts.append(arena.count)
    }
  }

  /// The arena range of the entry for `key`, nil when there is none.
  func records(of key: String) -> Range<Int>? {
    guard let entry = entryOf[key] else { return nil }
    return starts[Int(entry)]..<starts[Int(entry) + 1]
  }
}

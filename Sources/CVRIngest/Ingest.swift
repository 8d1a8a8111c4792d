// The entry point of ingestion: load a CSV/TSV into a ColumnStore, from its
// columnar cache when the file and schema are unchanged, else by parsing.
import CVRData
import CVRFileIO
import Foundation

/// How `DataIngest.load` treats bad rows and the cache.
public struct IngestOptions: Sendable {
  /// Skip rows that cannot be decoded (counted; the first 10 errors kept in the
  /// report) instead of stopping at the first one.
  public var skipBadRows = false
  /// Where the cache goes; nil: `<csv directory>/.cvrcache`.
  public var cacheDirectory: URL? = nil
  /// Read and write the columnar cache.
  public var useCache = true

  public init(skipBadRows: Bool = false, cacheDirectory: URL? = nil, useCache: Bool = true) {
    self.skipBadRows = skipBadRows
    self.cacheDirectory = cacheDirectory
    self.useCache = useCache
  }
}

/// What a load did.
public struct IngestReport: Sendable {
  /// Rows in the store.
  public let rows: Int
  /// Rows skipped as bad (only with `skipBadRows`).
  public let skippedRows: Int
  /// The first (up to 10) skipped rows' errors.
  public let firstSkipped: [DataError]
  /// Whether the columns came from the cache (no parse).
  public let fromCache: Bool
  /// Size of the data file in bytes.
  public let bytes: Int
  /// Conversions on unclicked rows that were read as 0 (schema `unclicked_conversions: clear`).
  public let clearedConversions: Int
  /// What the user should be told about this load (cleared conversions), one line each.
  public var warnings: [String] {
    clearedConversions == 0 ? []
      : ["\(clearedConversions) \(clearedConversions == 1 ? "conversion on an unclicked row was" : "conversions on unclicked rows were") read as 0 (unclicked_conversions: clear)"]
  }
  /// The 0-based data-row number of every skipped row, ascending (records after
  /// the header, blank lines not counted, bad rows counted); nil when the columns
  /// came from the cache, which keeps only the count.
  public var skippedRecords: [Int]? = nil
}

/// The decoded columns and the report.
public struct IngestResult: Sendable {
  public let store: ColumnStore
  public let report: IngestReport
}

public enum DataIngest {
  /// Loads `csv` as described by `schema`.
  ///
  /// With `useCache`, the file's key (size + CRC32 of its bytes: one read of
  /// the file, see `SourceKey`) and the schema's fingerprint (and the calendar
  /// file's CRC32) are compared with the cache's; when they match, the cache
  /// is mapped and the columns are views into it (`report.fromCache`). Otherwise
  /// the file is parsed in one pass, checked for label leakage, and the cache is
  /// rewritten atomically. A corrupt or foreign cache is rebuilt, never trusted.
  ///
  /// `schemaDirectory` is where the schema's `calendar` path is resolved (nil:
  /// the data file's directory). Throws `DataError` (file:line:column: reason)
  /// for the first bad row unless `skipBadRows`, `SchemaError` for a schema that
  /// breaks a rule, `FileIOError` when the file cannot be read.
  public static func load(_ csv: URL, schema: DataSchema, schemaDirectory: URL? = nil,
                          options: IngestOptions = .init()) throws -> IngestResult {
    try schema.validate()
    let calendar = try schema.calendar.map { name in
      try IngestCalendar.read(
        (schemaDirectory ?? csv.deletingLastPathComponent()).appendingPathComponent(name), fixed: schema.occasions)
    }
    var key: ColumnCache.Key? = nil
    let cacheURL = ColumnCache.url(for: csv, directory: options.cacheDirectory)
    if options.useCache {
      let source = try SourceKey.compute(csv)
      let fingerprint = String(schema.fingerprint, radix: 16)
      key = ColumnCache.Key(source: source, schema: fingerprint, calendarChecksum: calendar?.checksum)
      if let cached = ColumnCache.open(cacheURL, key: key!, schema: schema, allowSkipped: options.skipBadRows) {
        let report = IngestReport(
          rows: cached.header.rows, skippedRows: cached.header.skippedRows, firstSkipped: cached.header.firstSkipped,
          fromCache: true, bytes: source.size, clearedConversions: cached.header.clearedConversions ?? 0)
        return IngestResult(store: cached.store, report: report)
      }
    }
    let mapped = try MappedFile(csv)
    let parser = IngestParser(file: csv.path, schema: schema, calendar: calendar, skipBadRows: options.skipBadRows)
    let parsed = try parser.parse(mapped)
    try IngestLeakage.check(parsed.store, file: csv.path)
    try LeakageScreen.check(parsed.store, file: csv.path)
    if let key {
      try ColumnCache.write(parsed.store, key: key, skippedRows: parsed.skippedRows, firstSkipped: parsed.firstSkipped,
                            clearedConversions: parsed.clearedConversions, to: cacheURL)
    }
    let report = IngestReport(
      rows: parsed.store.rowCount, skippedRows: parsed.skippedRows, firstSkipped: parsed.firstSkipped,
      fromCache: false, bytes: mapped.bytes.count, clearedConversions: parsed.clearedConversions,
      skippedRecords: parsed.skippedRecords)
    return IngestResult(store: parsed.store, report: report)
  }
}

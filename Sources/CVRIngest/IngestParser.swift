// The single pass over a data file: header check, row splitting, per-column
// decoding into growable buffers, bad-row handling; yields the ColumnStore.
import CVRData
import CVRFileIO
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one parse produced.
struct ParsedData {
  let store: ColumnStore
  let skippedRows: Int
  let firstSkipped: [DataError]
  /// The 0-based data-row number (records after the header, bad ones counted) of every skipped row, ascending.
  let skippedRecords: [Int]
  /// Conversions on unclicked rows read as 0 (`unclicked_conversions: clear`).
  let clearedConversions: Int
}

/// Parses a mapped data file into columns.
///
/// Memory: the file is mapped, so its pages are file-backed (page cache, not
/// anonymous memory); pages behind the parser are released from this
/// process's resident set every 64 MB with `madvise(MADV_DONTNEED)`, so the
/// mapped file adds at most ~64 MB to the peak. Decoded values go to one
/// growable buffer per column — no Swift object per row or field — so peak
/// resident memory is about the size of the decoded columns (the cache size).
struct IngestParser {
  static let keptErrors = 10
  private static let releaseStride = 64 << 20

  let file: String
  let schema: DataSchema
  let calendar: IngestCalendar?
  let skipBadRows: Bool

  func parse(_ mapped: MappedFile) throws -> ParsedData {
    let columns = schema.columns
    let columnCount = columns.count
    let decoders = columns.map { IngestColumnDecoder($0, expectedRows: 0) }
    let occasionIndex = columns.firstIndex { $0.role == .occasion }
    let dayIndex = columns.firstIndex { $0.role == .day }
    let occasionCoder = occasionIndex.map { _ in OccasionCoder(fixed: schema.occasions) }
    let occasionCodes = occasionIndex != nil || calendar != nil ? GrowableBuffer<Int32>() : nil
    let clickIndex = columns.firstIndex { $0.role == .click }
    let conversionIndex = columns.firstIndex { $0.role == .conversion }
    var unclicked = 0
    var firstUnclickedLine = 0
    let aligned = IngestColumnDecoder.alignedPairs(columns)

    var scanner = CSVScanner(bytes: mapped.bytes, delimiter: schema.delimiter.utf8.first!)
    scanner.skipByteOrderMark()
    let fields = UnsafeMutablePointer<FieldSlice>.allocate(capacity: columnCount + 64)
    defer { fields.deallocate() }
    let base = mapped.bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
    if let base { _ = madvise(base, mapped.bytes.count, MADV_SEQUENTIAL) }
    var released = 0

    if schema.header { try checkHeader(&scanner, fields, capacity: columnCount + 64) }

    var rows = 0
    var skipped = 0
    var firstSkipped: [DataError] = []
    var skippedRecords: [Int] = []
    func reject(_ error: DataError) throws {
      guard skipBadRows else { throw error }
      // Every record so far is either kept (`rows`) or skipped: this one's number is their sum.
      skippedRecords.append(rows + skipped)
      skipped += 1
      if firstSkipped.count < Self.keptErrors { firstSkipped.append(error) }
      for decoder in decoders { decoder.truncate(rows: rows) }
    }
    func fieldError(_ line: Int, _ index: Int?, _ reason: String) -> DataError {
      let name = index.flatMap { $0 < columnCount ? columns[$0].name : nil }
      return DataError(file: file, line: line, column: name, fieldIndex: name == nil ? nil : index, reason: reason)
    }

    rowLoop: while true {
      if let base, scanner.position - released >= Self.releaseStride {
        let upTo = scanner.position & ~(Int(getpagesize()) - 1)
        _ = madvise(base + released, upTo - released, MADV_DONTNEED)
        released = upTo
      }
      switch scanner.nextRow(into: fields, capacity: columnCount) {
      case .end:
        break rowLoop
      case .malformed(let line, let index, let reason):
        try reject(fieldError(line, index, reason))
      case .row(let count, let line):
        guard count == columnCount else {
          try reject(count < columnCount
            ? fieldError(line, count, "missing column '\(columns[count].name)': the row has \(count) fields, the schema \(columnCount) columns")
            : fieldError(line, nil, "extra field: the row has \(count) fields, the schema \(columnCount) columns"))
          continue rowLoop
        }
        var failed: Int? = nil
        var reason = ""
        for k in 0..<columnCount {
          let field = fields[k]
          do { try decoders[k].decode(scanner.pointer(field), field.count) } catch {
            failed = k
            reason = error.reason
            break
          }
        }
        if failed == nil, let (i, why) = IngestColumnDecoder.alignmentFailure(decoders, aligned) {
          failed = i
          reason = why
        }
        if failed == nil, let occasionIndex, let occasionCoder {
          let field = fields[occasionIndex]
          do { occasionCodes!.append(try occasionCoder.code(scanner.pointer(field), field.count)) } catch {
            failed = occasionIndex
            reason = error.reason
          }
        }
        if failed == nil, let calendar, let dayIndex {
          let day = decoders[dayIndex].ints!.base[rows]
          if let code = calendar.code(day: day) {
            occasionCodes!.append(code)
          } else {
            failed = dayIndex
            reason = "day \(IngestCalendar.describe(day: day)) is not in the calendar \(calendar.file)"
          }
        }
        if let failed {
          try reject(fieldError(line, failed, reason))
        } else {
          if let clickIndex, let conversionIndex, decoders[conversionIndex].floats!.base[rows] == 1,
            decoders[clickIndex].floats!.base[rows] == 0
          {
            unclicked += 1
            if unclicked == 1 { firstUnclickedLine = line }
            if schema.unclickedConversions == .clear { decoders[conversionIndex].floats!.base[rows] = 0 }
          }
          rows += 1
        }
      }
    }
    if rows == 0 {
      throw DataError(file: file, line: 0, reason: skipped > 0
        ? "no good rows: all \(skipped) data rows are bad (the first: \(firstSkipped[0]))"
        : schema.header ? "no data rows: the file has only its header line" : "the file is empty: no data rows")
    }
    if unclicked > 0 && schema.unclickedConversions != .clear, let conversionIndex, let clickIndex {
      let conversion = columns[conversionIndex].name, click = columns[clickIndex].name
      throw DataError(
        file: file, line: firstUnclickedLine, column: conversion, fieldIndex: conversionIndex,
        reason: "\(unclicked) \(unclicked == 1 ? "row has" : "rows have") \(conversion) = 1 but \(click) = 0 (this is the first): a conversion needs a click. "
          + "Fix the labels, or add 'unclicked_conversions: clear' to the schema to read them as 0")
    }
    let store = buildStore(rows: rows, decoders: decoders, occasionCodes: occasionCodes,
                           occasionNames: calendar?.names ?? occasionCoder?.names ?? [])
    return ParsedData(store: store, skippedRows: skipped, firstSkipped: firstSkipped, skippedRecords: skippedRecords,
                      clearedConversions: schema.unclickedConversions == .clear ? unclicked : 0)
  }

  /// The header must name the schema's columns in the schema's order.
  private func checkHeader(_ scanner: inout CSVScanner, _ fields: UnsafeMutablePointer<FieldSlice>, capacity: Int) throws {
    let expected = schema.columns.map(\.name)
    func fail(_ index: Int?, _ reason: String) -> DataError {
      let name = index.flatMap { $0 < expected.count ? expected[$0] : nil }
      return DataError(file: file, line: 1, column: name, fieldIndex: name == nil ? nil : index, reason: reason)
    }
    let count: Int
    switch scanner.nextRow(into: fields, capacity: capacity) {
    case .end: throw fail(nil, "the file is empty: no header line")
    case .malformed(_, let index, let reason): throw fail(index, "header: " + reason)
    case .row(let n, _): count = n
    }
    let names = (0..<min(count, capacity)).map { k in
      String(decoding: UnsafeBufferPointer(start: scanner.pointer(fields[k]), count: fields[k].count), as: UTF8.self)
    }
    // Shown from the raw bytes: String(decoding:) would turn invalid bytes into U+FFFD before they could be escaped.
    let shownNames = (0..<min(count, capacity)).map { k in ShownText.cut(scanner.pointer(fields[k]), fields[k].count) }
    for (i, name) in expected.enumerated() where i >= names.count || names[i] != name {
      if i < names.count, !expected.contains(names[i]) {
        throw fail(i, "header: unexpected column '\(shownNames[i])' at position \(i + 1) (the schema expects '\(name)')")
      }
      guard let found = names.firstIndex(of: name) else {
        throw fail(i, "header: missing column '\(name)' (expected at position \(i + 1))")
      }
      throw fail(i, "header: column '\(name)' is at position \(found + 1), the schema puts it at position \(i + 1)")
    }
    if count > expected.count {
      let extra = expected.count < names.count ? "'\(shownNames[expected.count])'" : "columns"
      throw fail(nil, "header: unexpected column \(extra) at position \(expected.count + 1) (the schema has \(expected.count) columns)")
    }
  }

  private func buildStore(rows: Int, decoders: [IngestColumnDecoder], occasionCodes: GrowableBuffer<Int32>?,
                          occasionNames: [String]) -> ColumnStore {
    var store = ColumnStore(schema: schema, rowCount: rows)
    for decoder in decoders {
      let name = decoder.spec.name
      switch decoder.role {
      case .sparse: store.ids[name] = decoder.ints!.column()
      case .multi, .sequence:
        store.lists[name] = decoder.ints!.column(width: decoder.width)
        store.lengths[name] = decoder.lengths!.column()
      case .dense: store.dense[name] = decoder.floats!.column()
      case .click, .conversion, .action, .delay: store.labels[name] = decoder.floats!.column()
      case .truth: store.truth[name] = decoder.floats!.column()
      case .day: store.days = decoder.ints!.column()
      case .occasion, .ignore: break
      }
    }
    store.occasions = occasionCodes?.column()
    store.occasionNames = occasionNames
    return store
  }
}

// Inputs that used to be read silently or reported unreadably: header-only
// files, mixed day formats, hex and inf in numbers, NUL bytes in ids, negative
// values under a log normaliser, conversions without clicks, huge and binary
// fields, unreadable paths. Each is an error naming file, line and column, and
// a failed load leaves no cache behind.
import CVRData
import CVRFileIO
@testable import CVRIngest
import Foundation
import Testing

@Suite struct IngestBadInputTests {
  static let schema = """
    columns:
      - {name: day, role: day}
      - {name: u, role: sparse, hash_buckets: 100}
      - {name: x, role: dense, normalize: log}
      - {name: click, role: click}
      - {name: buy, role: conversion}
    """

  /// Loads with the cache on and checks the error and that no cache file was written.
  static func expectRefused(_ csv: String, schema: String = schema, line: Int, column: String?, reason: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
    let dir = IngestFixture.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = IngestFixture.write(csv, to: dir)
    do {
      _ = try DataIngest.load(url, schema: try DataSchema.parse(schema))
      Issue.record("expected an error containing \"\(reason)\"", sourceLocation: sourceLocation)
    } catch let error as DataError {
      #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
      #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
      #expect(error.reason.contains(reason), "\(error)", sourceLocation: sourceLocation)
      #expect(error.description.count < 600, "\(error.description.count) characters", sourceLocation: sourceLocation)
    } catch {
      Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
    let cache = dir.appendingPathComponent(".cvrcache")
    let left = (try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? []
    #expect(left.isEmpty, "left behind: \(left)", sourceLocation: sourceLocation)
  }

  @Test func aHeaderOnlyFileIsRefused() {
    Self.expectRefused("day,u,x,click,buy\n", line: 0, column: nil, reason: "no data rows: the file has only its header line")
  }

  @Test func mixedDayFormatsAreRefused() {
    Self.expectRefused("day,u,x,click,buy\n3,a,1,0,0\n2024-01-02,b,1,0,0\n", line: 3, column: "day",
                       reason: "'2024-01-02' is a date, but earlier rows of this column give day numbers")
    Self.expectRefused("day,u,x,click,buy\n2024-01-02,b,1,0,0\n19724,a,1,0,0\n", line: 3, column: "day",
                       reason: "'19724' is a day number, but earlier rows of this column give dates")
  }

  @Test(arguments: ["0x10", "inf", "nan", "-infinity", "1e3x", " 5"])
  func nonDecimalNumbersAreRefused(_ value: String) {
    Self.expectRefused("day,u,x,click,buy\n1,a,2,0,0\n1,b,\(value),0,0\n", line: 3, column: "x",
                       reason: "'\(value)' is not a decimal number")
  }

  @Test func aNULInsideAHashedIdIsRefused() {
    Self.expectRefused("day,u,x,click,buy\n1,a\u{0}b,2,0,0\n", line: 2, column: "u",
                       reason: "the id 'a\\x00b' contains a NUL byte")
  }

  @Test func negativeValuesUnderLogAreRefused() throws {
    Self.expectRefused("day,u,x,click,buy\n1,a,2,0,0\n1,b,-0.5,0,0\n", line: 3, column: "x",
                       reason: "'-0.5' is negative, and the column has normalize: log")
    // Without the log normaliser a negative value is fine.
    let plain = Self.schema.replacingOccurrences(of: "normalize: log", with: "normalize: standard")
    let result = try IngestFixture.load("day,u,x,click,buy\n1,b,-0.5,0,0\n", schema: plain)
    #expect(result.store.dense["x"]?.array == [-0.5])
  }

  @Test func conversionsOnUnclickedRowsAreRefusedWithTheCount() {
    Self.expectRefused("day,u,x,click,buy\n1,a,1,1,1\n1,b,1,0,1\n1,c,1,0,0\n1,d,1,0,1\n", line: 3, column: "buy",
                       reason: "2 rows have buy = 1 but click = 0 (this is the first)")
  }

  @Test func clearedUnclickedConversionsAreCountedAndSurviveTheCache() throws {
    let schema = "unclicked_conversions: clear\n" + Self.schema
    let dir = IngestFixture.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = IngestFixture.write("day,u,x,click,buy\n1,a,1,1,1\n1,b,1,0,1\n1,c,1,0,0\n", to: dir)
    let parsed = try DataIngest.load(url, schema: try DataSchema.parse(schema))
    #expect(!parsed.report.fromCache)
    #expect(parsed.store.labels["buy"]?.array == [1, 0, 0])
    #expect(parsed.report.clearedConversions == 1)
    #expect(parsed.report.warnings == ["1 conversion on an unclicked row was read as 0 (unclicked_conversions: clear)"])
    let cached = try DataIngest.load(url, schema: try DataSchema.parse(schema))
    #expect(cached.report.fromCache)
    #expect(cached.report.clearedConversions == 1)
  }

  @Test func inspectCountsConversionsOnClickedRowsOnly() throws {
    // A click-space store built by hand (ingestion would refuse the unclicked conversion).
    let schema = try DataSchema.parse("columns:\n  - {name: click, role: click}\n  - {name: buy, role: conversion}\n")
    var store = ColumnStore(schema: schema, rowCount: 4)
    store.labels["click"] = Self.column([1, 1, 0, 0])
    store.labels["buy"] = Self.column([1, 0, 1, 0])
    let report = DataInspection.summarize(store)
    #expect(report.overall.clicks == 2)
    #expect(report.overall.conversions == 1)
  }

  static func column(_ values: [Float]) -> Column<Float> {
    let buffer = ColumnBuffer<Float>(count: values.count, repeating: 0)
    _ = buffer.storage.update(fromContentsOf: values)
    return buffer.column()
  }

  @Test func aHugeFieldIsCutInTheMessage() {
    let huge = String(repeating: "7", count: 10 << 20)
    Self.expectRefused("day,u,x,click,buy\n1,a,1,\(huge),0\n", line: 2, column: "click",
                       reason: "label must be 0 or 1, got '\(String(repeating: "7", count: 80))… (10485760 bytes)'")
  }

  @Test func binaryBytesAreEscapedInTheMessage() {
    Self.expectRefused("day,u,x,click,buy\n1,a,\u{1}\u{7F}\u{1B}[2J,0,0\n", line: 2, column: "x",
                       reason: "'\\x01\\x7F\\x1B[2J' is not a decimal number")
  }

  @Test func aHugeHeaderNameIsCut() {
    let huge = String(repeating: "h", count: 1 << 20)
    Self.expectRefused("day,\(huge),x,click,buy\n1,a,1,0,0\n", line: 1, column: "u",
                       reason: "header: unexpected column '\(String(repeating: "h", count: 80))… (1048576 bytes)'")
  }

  @Test func aBinaryHeaderIsEscapedByteByByte() {
    // Invalid UTF-8 (0xFF, 0xC3 without its continuation) must show as \xHH, not as U+FFFD.
    let dir = IngestFixture.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("data.csv")
    try! Data([0x7F, 0x45, 0x4C, 0x46, 0xFF, 0xC3, 0x00, 0x2C, 0x0A]).write(to: url)
    do {
      _ = try DataIngest.load(url, schema: try DataSchema.parse(Self.schema))
      Issue.record("a binary header was accepted")
    } catch {
      #expect("\(error)".contains("header: unexpected column '\\x7FELF\\xFF\\xC3\\x00' at position 1"), "\(error)")
    }
  }

  @Test func aMissingCalendarNamesItsPathOnce() throws {
    let dir = IngestFixture.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let schema = try DataSchema.parse("calendar: cal.csv\ncolumns:\n  - {name: day, role: day}\n")
    let url = IngestFixture.write("day\n1\n", to: dir)
    do {
      _ = try DataIngest.load(url, schema: schema, schemaDirectory: dir)
      Issue.record("loaded without its calendar")
    } catch {
      #expect("\(error)" == dir.appendingPathComponent("cal.csv").path + ": cannot read the calendar file the schema names: No such file or directory")
    }
  }

  @Test func anUnreadableDataFileNamesThePath() throws {
    let dir = IngestFixture.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let schema = try DataSchema.parse(Self.schema)
    for (url, reason) in [(dir.appendingPathComponent("missing.csv"), "No such file or directory"), (dir, "it is a directory")] {
      for useCache in [false, true] {
        do {
          _ = try DataIngest.load(url, schema: schema, options: .init(useCache: useCache))
          Issue.record("loaded \(url.path)")
        } catch {
          let text = "\(error)"
          #expect(text.hasPrefix("cannot read \(url.path): "), "\(text)")
          if !useCache { #expect(text == "cannot read \(url.path): \(reason)") }
        }
      }
    }
  }
}

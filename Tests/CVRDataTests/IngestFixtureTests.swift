// Shared helpers for the ingestion tests (temporary files, loading, expected
// errors) and the hand-written fixture that exercises every column role.
import CVRData
import CVRIngest
import Foundation
import Testing

enum IngestFixture {
  /// A fresh temporary directory.
  static func directory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-ingest-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func write(_ text: String, to directory: URL, name: String = "data.csv") -> URL {
    let url = directory.appendingPathComponent(name)
    try! Data(text.utf8).write(to: url)
    return url
  }

  /// Loads `csv` text with `schema` YAML from a fresh directory (no cache unless asked).
  static func load(_ csv: String, schema: String, options: IngestOptions = .init(useCache: false)) throws -> IngestResult {
    let dir = directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    return try DataIngest.load(write(csv, to: dir), schema: try DataSchema.parse(schema), options: options)
  }

  /// Expects loading to fail with a DataError at `line`, in `column`, whose reason contains `reason`.
  static func expectError(_ csv: String, schema: String, line: Int, column: String?, reason: String,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    do {
      _ = try load(csv, schema: schema)
      Issue.record("expected an error containing \"\(reason)\"", sourceLocation: sourceLocation)
    } catch let error as DataError {
      #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
      #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
      #expect(error.reason.contains(reason), "\(error)", sourceLocation: sourceLocation)
      #expect(error.description.hasSuffix(": " + error.reason), sourceLocation: sourceLocation)
    } catch {
      Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
  }

  /// FNV-1a 64 written out independently of the library, for expected hash buckets.
  static func fnv(_ text: String, buckets: Int) -> Int32 {
    var hash: UInt64 = 14_695_981_039_346_656_037
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
    return Int32(hash % UInt64(buckets))
  }

  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ingest")

  /// Copies a fixture into a fresh directory (loads write a cache beside the data).
  static func copyFixture(_ names: [String]) -> URL {
    let dir = directory()
    for name in names {
      try! FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: dir.appendingPathComponent(name))
    }
    return dir
  }
}

extension Column {
  var array: [T] { Array(values) }
}

@Suite struct IngestFixtureTests {
  @Test func everyRoleDecodesTheHandWrittenFixture() throws {
    let dir = IngestFixture.copyFixture(["roles.csv", "roles.yaml"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let schema = try DataSchema.load(from: dir.appendingPathComponent("roles.yaml"))
    let result = try DataIngest.load(dir.appendingPathComponent("roles.csv"), schema: schema, options: .init(useCache: false))
    let s = result.store
    #expect(s.rowCount == 3 && result.report.rows == 3 && !result.report.fromCache)
    let h = { IngestFixture.fnv($0, buckets: 1000) }
    #expect(s.ids["user"]?.array == [h("alice"), h("bob"), h("al\"ice")])
    #expect(s.ids["item"]?.array == [7, 0, 99])
    #expect(s.dense["price"]?.array == [1.5, -0.125, 300])
    #expect(s.lists["tags"]?.array == [1, 2, -1, -1, -1, -1, 49, -1, -1])
    #expect(s.lengths["tags"]?.array == [2, 0, 1])
    #expect(s.lists["hist"]?.width == 3)
    #expect(s.lists["hist"]?.array == [11, 12, 13, -1, -1, -1, 5, -1, -1])
    #expect(s.lengths["hist"]?.array == [3, 0, 1])
    #expect(s.lists["hist_cat"]?.array == [1, 2, 3, -1, -1, -1, 7, -1, -1])
    let g = { IngestFixture.fnv($0, buckets: 64) }
    #expect(s.lists["first2"]?.array == [g("a"), g("b"), -1, -1, g("z"), -1])
    #expect(s.lengths["first2"]?.array == [2, 0, 1])
    #expect(s.labels["click"]?.array == [1, 0, 1])
    #expect(s.labels["buy"]?.array == [1, 0, 0])
    #expect(s.labels["cart"]?.array == [0, 0, 1])
    let delay = try #require(s.labels["delay"]?.array)
    #expect(delay[0] == 2.5 && delay[1].isNaN && delay[2] == 0)
    #expect(s.days?.array == [19_724, 19_723, 0])
    #expect(s.occasionNames == ["DP", "NP", "BP"])
    #expect(s.occasions?.array == [0, 1, 2])
    #expect(s.truth["true_cvr"]?.array == [0.25, 0.5, 1])
    #expect(s.ids["note"] == nil && s.dense["note"] == nil)
  }

  @Test func fixedOccasionOrderAndUnknownName() throws {
    let schema = """
      occasions: [NP, BP, DP, AP]
      columns:
        - {name: item, role: sparse, vocab: 10}
        - {name: occasion, role: occasion}
      """
    let result = try IngestFixture.load("item,occasion\n1,DP\n2,NP\n3,AP\n", schema: schema)
    #expect(result.store.occasions?.array == [2, 0, 3])
    #expect(result.store.occasionNames == ["NP", "BP", "DP", "AP"])
    IngestFixture.expectError("item,occasion\n1,DP\n2,XX\n", schema: schema, line: 3, column: "occasion", reason: "unknown occasion 'XX'")
  }

  @Test func calendarAssignsOccasionsByDay() throws {
    let dir = IngestFixture.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = IngestFixture.write("day,occasion\n2024-01-01,NP\n2024-01-02,BP\n19725,DP\n", to: dir, name: "calendar.csv")
    let schema = try DataSchema.parse("""
      calendar: calendar.csv
      occasions: [NP, BP, DP, AP]
      columns:
        - {name: item, role: sparse, vocab: 10}
        - {name: day, role: day}
      """)
    let good = IngestFixture.write("item,day\n1,2024-01-03\n2,2024-01-01\n3,2024-01-02\n", to: dir)
    let store = try DataIngest.load(good, schema: schema, schemaDirectory: dir, options: .init(useCache: false)).store
    #expect(store.occasions?.array == [2, 0, 1])
    #expect(store.occasionNames == ["NP", "BP", "DP", "AP"])
    let bad = IngestFixture.write("item,day\n1,2024-01-03\n2,2024-01-09\n", to: dir, name: "bad.csv")
    do {
      _ = try DataIngest.load(bad, schema: schema, schemaDirectory: dir, options: .init(useCache: false))
      Issue.record("a day missing from the calendar must be an error")
    } catch let error as DataError {
      #expect(error.line == 3 && error.column == "day")
      #expect(error.reason.contains("19731 (2024-01-09) is not in the calendar"), "\(error)")
    }
  }
}

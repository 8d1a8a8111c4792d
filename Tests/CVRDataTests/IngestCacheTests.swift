// The columnar cache: a second load maps it and gives identical columns; a
// changed file, schema or calendar, or a damaged cache, is rebuilt; nothing
// is ever half-written.
import CVRData
import CVRIngest
import Foundation
import Testing

@Suite struct IngestCacheTests {
  static let schemaText = try! String(contentsOf: IngestFixture.fixtures.appendingPathComponent("roles.yaml"), encoding: .utf8)

  /// A copy of the role fixture in a fresh directory, its schema, and its cache file.
  static func setUp() throws -> (dir: URL, csv: URL, schema: DataSchema, cache: URL) {
    let dir = IngestFixture.copyFixture(["roles.csv"])
    return (dir, dir.appendingPathComponent("roles.csv"), try DataSchema.parse(schemaText),
            dir.appendingPathComponent(".cvrcache/roles.csv.cvrcols"))
  }

  static func sameColumns(_ a: ColumnStore, _ b: ColumnStore) {
    #expect(a.rowCount == b.rowCount)
    for (name, c) in a.ids { #expect(c.array == b.ids[name]?.array, "\(name)") }
    for (name, c) in a.lists {
      #expect(c.array == b.lists[name]?.array, "\(name)")
      #expect(c.width == b.lists[name]?.width, "\(name)")
    }
    for (name, c) in a.lengths { #expect(c.array == b.lengths[name]?.array, "\(name)") }
    for (name, c) in a.dense { #expect(c.array == b.dense[name]?.array, "\(name)") }
    for (name, c) in a.labels {
      let bits: [UInt32]? = b.labels[name]?.array.map(\.bitPattern)
      #expect(c.array.map(\.bitPattern) == bits, "\(name)")
    }
    for (name, c) in a.truth { #expect(c.array == b.truth[name]?.array, "\(name)") }
    #expect(a.days?.array == b.days?.array)
    #expect(a.occasions?.array == b.occasions?.array)
    #expect(a.occasionNames == b.occasionNames)
    let countsA: [Int] = [a.ids.count, a.lists.count, a.lengths.count, a.dense.count, a.labels.count, a.truth.count]
    let countsB: [Int] = [b.ids.count, b.lists.count, b.lengths.count, b.dense.count, b.labels.count, b.truth.count]
    #expect(countsA == countsB)
  }

  @Test func secondLoadComesFromTheCacheWithIdenticalColumns() throws {
    let (dir, csv, schema, cache) = try Self.setUp()
    defer { try? FileManager.default.removeItem(at: dir) }
    let first = try DataIngest.load(csv, schema: schema)
    #expect(!first.report.fromCache)
    #expect(FileManager.default.fileExists(atPath: cache.path))
    let second = try DataIngest.load(csv, schema: schema)
    #expect(second.report.fromCache)
    #expect(second.report.rows == 3 && second.report.bytes == first.report.bytes)
    Self.sameColumns(first.store, second.store)
    // A custom cache directory works the same way.
    let elsewhere = dir.appendingPathComponent("elsewhere/deeper")
    #expect(try !DataIngest.load(csv, schema: schema, options: .init(cacheDirectory: elsewhere)).report.fromCache)
    #expect(try DataIngest.load(csv, schema: schema, options: .init(cacheDirectory: elsewhere)).report.fromCache)
  }

  @Test func changingOneByteOfTheFileRebuilds() throws {
    let (dir, csv, schema, _) = try Self.setUp()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try DataIngest.load(csv, schema: schema)
    var bytes = try Data(contentsOf: csv)
    let at = try #require(bytes.firstRange(of: Data(",7,".utf8))).lowerBound + 1
    bytes[at] = UInt8(ascii: "8")  // same size, same mtime second likely: only the content differs
    try bytes.write(to: csv)
    let again = try DataIngest.load(csv, schema: schema)
    #expect(!again.report.fromCache)
    #expect(again.store.ids["item"]?.array == [8, 0, 99])
    #expect(try DataIngest.load(csv, schema: schema).report.fromCache)
  }

  @Test func changingTheSchemaRebuilds() throws {
    let (dir, csv, schema, _) = try Self.setUp()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try DataIngest.load(csv, schema: schema)
    let other = try DataSchema.parse(Self.schemaText.replacingOccurrences(of: "hash_buckets: 1000", with: "hash_buckets: 999"))
    let again = try DataIngest.load(csv, schema: other)
    #expect(!again.report.fromCache)
    #expect(again.store.ids["user"]?.array.first == IngestFixture.fnv("alice", buckets: 999))
  }

  @Test(arguments: ["truncate", "magic", "version", "header", "payload-size"])
  func aDamagedCacheIsRebuilt(_ damage: String) throws {
    let (dir, csv, schema, cache) = try Self.setUp()
    defer { try? FileManager.default.removeItem(at: dir) }
    let first = try DataIngest.load(csv, schema: schema)
    var bytes = try Data(contentsOf: cache)
    switch damage {
    case "truncate": bytes = bytes.prefix(bytes.count - 10)
    case "magic": bytes[0] ^= 0xFF
    case "version": bytes[8] = 99
    case "header": bytes[30] ^= 0x01
    default: bytes.append(contentsOf: [0, 0, 0, 0])
    }
    try bytes.write(to: cache)
    let again = try DataIngest.load(csv, schema: schema)
    #expect(!again.report.fromCache, "\(damage)")
    Self.sameColumns(first.store, again.store)
    #expect(try DataIngest.load(csv, schema: schema).report.fromCache)
  }

  @Test func theCacheIsNeverHalfWritten() throws {
    let (dir, csv, schema, cache) = try Self.setUp()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try DataIngest.load(csv, schema: schema)
    let good = try Data(contentsOf: cache)
    // A failing parse (a bad row appended) must leave the old cache intact and no temporary behind.
    let handle = try FileHandle(forWritingTo: csv)
    handle.seekToEndOfFile()
    handle.write(Data("\nbob,1,2,,,,,0,0,0,,0,NP,0.5,x,extra\n".utf8))
    try handle.close()
    #expect(throws: DataError.self) { try DataIngest.load(csv, schema: schema) }
    #expect(try Data(contentsOf: cache) == good)
    let names = try FileManager.default.contentsOfDirectory(atPath: cache.deletingLastPathComponent().path)
    #expect(names == ["roles.csv.cvrcols"], "\(names)")
  }

  @Test func skippedRowsAreReportedAgainFromTheCacheAndAStrictLoadReparses() throws {
    let (dir, csv, schema, _) = try Self.setUp()
    defer { try? FileManager.default.removeItem(at: dir) }
    let handle = try FileHandle(forWritingTo: csv)
    handle.seekToEndOfFile()
    handle.write(Data("\nbob,1000,2,,,,,0,0,0,,0,NP,0.5,x\n".utf8))
    try handle.close()
    let options = IngestOptions(skipBadRows: true)
    let first = try DataIngest.load(csv, schema: schema, options: options)
    #expect(first.report.skippedRows == 1 && first.report.rows == 3)
    let second = try DataIngest.load(csv, schema: schema, options: options)
    #expect(second.report.fromCache && second.report.skippedRows == 1)
    #expect(second.report.firstSkipped == first.report.firstSkipped)
    #expect(second.report.firstSkipped.first?.reason.contains("id 1000 out of range for vocab 100") == true)
    #expect(throws: DataError.self) { try DataIngest.load(csv, schema: schema) }
  }

  @Test func aChangedCalendarRebuilds() throws {
    let dir = IngestFixture.directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = IngestFixture.write("0,NP\n1,BP\n", to: dir, name: "calendar.csv")
    let schema = try DataSchema.parse("calendar: calendar.csv\ncolumns:\n  - {name: day, role: day}\n")
    let csv = IngestFixture.write("day\n0\n1\n", to: dir)
    #expect(try DataIngest.load(csv, schema: schema).store.occasions?.array == [0, 1])
    #expect(try DataIngest.load(csv, schema: schema).report.fromCache)
    _ = IngestFixture.write("0,BP\n1,NP\n", to: dir, name: "calendar.csv")
    let again = try DataIngest.load(csv, schema: schema)
    #expect(!again.report.fromCache)
    #expect(again.store.occasionNames == ["BP", "NP"])
  }

  @Test func withoutTheCacheNothingIsWritten() throws {
    let (dir, csv, schema, cache) = try Self.setUp()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try DataIngest.load(csv, schema: schema, options: .init(useCache: false))
    #expect(!FileManager.default.fileExists(atPath: cache.deletingLastPathComponent().path))
  }
}

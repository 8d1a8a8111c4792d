// AliExpress: the preset validates and its columns line up with the fixture's header and rows.
import CVRData
import CVRIngest
import Foundation
import Testing

@Suite struct AliExpressTests {
  static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/aliexpress/sample.csv")

  @Test func presetValidates() throws {
    let schema = AliExpress.schema(hashBuckets: 100, dim: 8)
    try schema.validate()
    #expect(schema.columns.count == 1 + 16 + 63 + 2)
    #expect(schema.columns(.sparse).count == 16)
    #expect(schema.columns(.dense).count == 63)
    #expect(schema.columns(.dense).allSatisfy { $0.normalize == .standard })
    #expect(schema.columns(.sparse).allSatisfy { $0.hashBuckets == 100 && $0.dim == 8 })
    #expect(schema.column("search_id")?.role == .ignore)
    #expect(schema.columns(.click).map(\.name) == ["click"])
    #expect(schema.columns(.conversion).map(\.name) == ["conversion"])
    let bare = AliExpress.schema(hashBuckets: 100, dim: 8, searchIDColumn: false)
    try bare.validate()
    #expect(bare.columns.count == 16 + 63 + 2 && bare.columns.first?.name == "categorical_1")
    #expect(try DataSchema.parse(try schema.yaml()) == schema)
  }

  @Test func fixtureMatchesThePreset() throws {
    let text = try String(contentsOf: Self.sample, encoding: .utf8)
    let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let schema = AliExpress.schema(hashBuckets: 100, dim: 8)
    #expect(lines[0].map(String.init) == schema.columns.map(\.name))
    #expect(lines[0].map(String.init) == AliExpress.columnNames())
    #expect(lines.count == 5)
    for row in lines.dropFirst() {
      #expect(row.count == 82)
      #expect(row[1...16].allSatisfy { Int($0) != nil })
      #expect(row[17...79].allSatisfy { Float($0) != nil })
      #expect(row[80...81].allSatisfy { $0 == "0" || $0 == "1" })
    }
  }
}

// The files every producer writes load through the one ingestion path users'
// data takes: both simulators, the converted Ali-CCP fixture, the AliExpress fixture.
import CVRData
import CVRIngest
import CVRSimulation
import CVRTestSupport
import Foundation
import Testing

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

@Suite struct EndToEndLoadTests {
  @Test func ddfWorldLoadsWithItsCalendarAndAlignedSequences() throws {
    let directory = try scratchDirectory()
    let files = try DDFWorld.write(.tiny, seed: 3, to: directory)
    let schema = try DataSchema.load(from: files.schema)
    let result = try DataIngest.load(files.data, schema: schema, schemaDirectory: directory)
    let store = result.store
    #expect(store.rowCount == files.summary.rows)
    #expect(store.occasionNames == DDFWorld.occasionNames)
    let clicks = try #require(store.clicks), conversions = try #require(store.conversions)
    var clicked = 0, converted = 0
    for row in 0..<store.rowCount {
      clicked += clicks[row] == 1 ? 1 : 0
      converted += conversions[row] == 1 ? 1 : 0
    }
    let total = files.summary.groups.reduce((0, 0)) { ($0.0 + $1.clicks, $0.1 + $1.observedConversions) }
    #expect(clicked == total.0 && converted == total.1, "label counts match the generator's own tally")
    let items = try #require(store.lengths["hist_items"]), cats = try #require(store.lengths["hist_cats"])
    for row in 0..<store.rowCount { #expect(items[row] == cats[row]) }

    let again = try DataIngest.load(files.data, schema: schema, schemaDirectory: directory)
    #expect(again.report.fromCache && again.store.rowCount == store.rowCount)
  }

  @Test func selectionBiasWorldLoadsWithItsTruth() throws {
    let directory = try scratchDirectory()
    let files = try SelectionBiasWorld.write(.tiny, seed: 4, to: directory)
    let schema = try DataSchema.load(from: files.schema)
    let store = try DataIngest.load(files.data, schema: schema, schemaDirectory: directory).store
    #expect(store.rowCount == files.summary.rows)
    #expect(!store.truth.isEmpty)
    for column in store.truth.values {
      for row in 0..<store.rowCount { #expect(column[row] >= 0 && column[row] <= 1) }
    }
  }

  @Test func convertedAliCCPFixtureLoadsWithThePreset() throws {
    let processed = fixtures.appendingPathComponent("aliccp/processed_train.csv")
    let schema = AliCCP.processedSchema(hashBuckets: 1000, dim: 5)
    let options = IngestOptions(cacheDirectory: try scratchDirectory())
    let store = try DataIngest.load(processed, schema: schema, options: options).store
    let lines = try String(contentsOf: processed, encoding: .utf8).split(separator: "\n")
    #expect(store.rowCount == lines.count - 1)
    #expect(store.ids.count == AliCCP.fields.count)
  }

  @Test func aliExpressFixtureLoadsWithThePreset() throws {
    let sample = fixtures.appendingPathComponent("aliexpress/sample.csv")
    let schema = AliExpress.schema(hashBuckets: 1000, dim: 8)
    let options = IngestOptions(cacheDirectory: try scratchDirectory())
    let store = try DataIngest.load(sample, schema: schema, options: options).store
    #expect(store.rowCount == 4)
    #expect(store.ids.count == AliExpress.categoricalCount)
    #expect(store.dense.count == AliExpress.numericalCount)
  }
}

// The presets `cvr data schema` writes: torch-rechub's Ali-CCP layout read in
// its own column order, and AliExpress with feature groups.
import CVRCore
import CVRData
import CVRIngest
import Foundation
import Testing

@Suite struct PresetSchemaTests {
  static let rechubHeader = ["click", "purchase"] + AliCCP.rechubSparse + AliCCP.rechubDense

  @Test func theRechubLayoutFollowsTheHeaderAndLoads() throws {
    let shuffled = Array(Self.rechubHeader.reversed())
    let schema = try AliCCP.rechubSchema(header: shuffled, hashBuckets: 1000, dim: 4)
    #expect(schema.columns.map(\.name) == shuffled)
    #expect(schema.column("D508")?.role == .dense && schema.column("D508")?.group == .interaction)
    #expect(schema.column("205")?.role == .sparse && schema.column("205")?.group == .item)
    #expect(schema.column("109_14")?.group == .user)
    #expect(schema.column("301")?.group == .context)
    #expect(schema.column("purchase")?.role == .conversion)
    #expect(schema.columns.filter(\.isFeature).allSatisfy { $0.group != nil })

    var rng = SeededGenerator(seed: 5)
    var csv = Self.rechubHeader.joined(separator: ",") + "\n"
    for _ in 0..<300 {
      let click = rng.nextUnitFloat() < 0.3, buy = click && rng.nextUnitFloat() < 0.3
      let ids = AliCCP.rechubSparse.map { _ in String(rng.next() % 40) }
      let dense = AliCCP.rechubDense.map { _ in String(rng.nextUnitFloat()) }
      csv += ([click ? "1" : "0", buy ? "1" : "0"] + ids + dense).joined(separator: ",") + "\n"
    }
    let ordered = try AliCCP.rechubSchema(header: Self.rechubHeader, hashBuckets: 1000, dim: 4)
    let result = try IngestFixture.load(csv, schema: try ordered.yaml())
    #expect(result.store.rowCount == 300)
    #expect(result.store.dense.count == 8 && result.store.ids.count == 23)
  }

  @Test func anotherLayoutIsRefusedByName() {
    #expect(throws: SchemaError.self) { try AliCCP.rechubSchema(header: ["click", "purchase", "user_id"], hashBuckets: 9, dim: 2) }
    do {
      _ = try AliCCP.rechubSchema(header: ["purchase", "101"], hashBuckets: 9, dim: 2, file: "x.csv")
    } catch {
      #expect("\(error)" == "x.csv:1: the header has no 'click' column, which the torch-rechub Ali-CCP layout needs")
    }
  }

  @Test func aliExpressFeaturesHaveGroups() throws {
    let plain = AliExpress.schema(hashBuckets: 100, dim: 4)
    #expect(plain.columns.filter(\.isFeature).allSatisfy { $0.group == AliExpress.defaultGroup })
    let split = AliExpress.schema(hashBuckets: 100, dim: 4, groups: ["categorical_1": .user, "numerical_2": .item])
    #expect(split.column("categorical_1")?.group == .user)
    #expect(split.column("numerical_2")?.group == .item)
    #expect(split.column("categorical_2")?.group == .context)
    try split.validate()
  }
}

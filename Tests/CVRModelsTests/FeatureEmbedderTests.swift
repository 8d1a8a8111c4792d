// The shared embedding layer: blocks follow the schema's groups, shared tables
// are one table, sequences read zeros at padded positions, and dense values pass through.
import CVRAutograd
import CVRCore
import CVRData
import CVREmbedding
import CVRModels
import CVRSimulation
import Testing

@Suite struct FeatureEmbedderTests {
  @Test func planFollowsTheSchemaGroupsAndSharesTables() throws {
    let plan = try FeaturePlan(schema: ModelFixture.shared.schema)
    // DDF: user id 16 + age 4 + gender 2 + city 4 + 3 dense; item 16 + 8 + 8 + 3 dense;
    // interaction 2 dense; context hour 4 + weekday 4 + position 4.
    #expect(plan.user.dim == 29 && plan.item.dim == 35 && plan.interaction.dim == 2 && plan.context.dim == 12)
    #expect(plan.tables.filter { $0.name == "item" }.count == 1)
    let sequence = try #require(plan.sequence)
    #expect(sequence.columns.map(\.table) == ["item", "category", "brand"] && sequence.dim == 32)
    #expect(plan.occasions == DDFWorld.occasionNames)
  }

  @Test func aFeatureWithoutAGroupIsAnError() throws {
    var schema = ModelFixture.shared.schema
    let index = try #require(schema.columns.firstIndex { $0.name == "user_age" })
    schema.columns[index].group = nil
    #expect(throws: ModelError.self) { try FeaturePlan(schema: schema) }
  }

  @Test func lookupsMatchTheTablesRowByRow() throws {
    let fixture = ModelFixture.shared
    var rng = SeededGenerator(seed: 1)
    let embedder = try FeatureEmbedder(plan: try FeaturePlan(schema: fixture.schema), occasionDim: 3, rng: &rng)
    let batch = fixture.batch(fixture.rows(.train, .click, count: 6))
    let tape = Tape()
    let e = embedder(batch, tape)
    let item = try #require(e.item), context = try #require(e.context)
    let sequence = try #require(e.sequence), mask = try #require(e.sequenceMask)
    #expect(item.shape == Shape(6, 35) && context.shape == Shape(6, 15))
    let layout = batch.layout
    let itemColumn = try #require(layout.sparse.firstIndex(of: "item_id"))
    let priceColumn = try #require(layout.dense.firstIndex(of: "item_price"))
    let itemTable = embedder.table("item")
    for b in 0..<6 {
      let row = Int(batch.sparse[b * layout.sparse.count + itemColumn])
      for j in 0..<16 { #expect(item.data[b * 35 + j] == itemTable.row(row)[j]) }
      // item block: item 16, category 8, brand 8, then price, discount, clicks_1d.
      #expect(item.data[b * 35 + 32] == batch.dense[b * layout.dense.count + priceColumn])
      let occasion = Int(batch.occasions[b])
      #expect(context.data[b * 15 + 12] == embedder.occasionTable!.row(occasion)[0])
      let block = batch.sequences[0]
      for t in 0..<block.width {
        let id = block.ids[b * block.width + t]
        #expect(mask.data[b * block.width + t] == (id >= 0 ? 1 : 0))
        let first = sequence.data[(b * block.width + t) * 32]
        #expect(first == (id >= 0 ? itemTable.row(Int(id))[0] : 0))
      }
    }
  }

  @Test func loraDeltaIsTheAdaptedLookupMinusTheBase() throws {
    let fixture = ModelFixture.shared
    var rng = SeededGenerator(seed: 2)
    let embedder = try FeatureEmbedder(plan: try FeaturePlan(schema: fixture.schema), occasionDim: 3, rng: &rng)
    let lora = LoRAEmbedding(base: embedder.table("item"), rank: 2, alpha: 3, name: "t", rng: &rng)
    lora.a.parameter.fill { rng.nextFloat(in: -1, 1) }
    let batch = fixture.batch(fixture.rows(.train, .click, count: 5))
    let tape = Tape(recording: false)
    defer { withExtendedLifetime(tape) {} }
    let delta = embedder.loraDelta(batch, adapters: ["item": lora], tape)
    let item = try #require(delta.item), user = try #require(delta.user), context = try #require(delta.context)
    #expect(item.shape == Shape(5, 35) && context.shape == Shape(5, 15) && user.shape == Shape(5, 29))
    #expect(user.toArray().allSatisfy { $0 == 0 } && context.toArray().allSatisfy { $0 == 0 })
    let layout = batch.layout
    let column = try #require(layout.sparse.firstIndex(of: "item_id"))
    let ids = (0..<5).map { batch.sparse[$0 * layout.sparse.count + column] }
    let adapted = lora.lookup(ids, batch: 5, fields: 1, tape)
    let base = embedder.table("item")
    for b in 0..<5 {
      for j in 0..<16 {
        let want = adapted.data[b * 16 + j] - base.row(Int(ids[b]))[j]
        #expect(abs(item.data[b * 35 + j] - want) < 1e-6, "row \(b) column \(j)")
      }
      // category, brand (tables without an adapter) and the dense values: no update.
      #expect((16..<35).allSatisfy { item.data[b * 35 + $0] == 0 })
    }
    #expect(item.toArray().contains { $0 != 0 })
  }
}

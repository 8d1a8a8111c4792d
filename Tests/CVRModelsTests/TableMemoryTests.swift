// Embedding-table memory is estimated from the schema before anything is
// allocated, and a model whose tables exceed the limit is refused with the figure.
import CVRData
import CVREmbedding
import CVRModels
import Testing

@Suite struct TableMemoryTests {
  @Test func theEstimateCountsValuesAndAdamMoments() {
    let tables = [TableMemory.Table(name: "a", vocab: 1000, dim: 8), TableMemory.Table(name: "b", vocab: 10, dim: 4)]
    #expect(TableMemory.estimate(tables) == (1000 * 8 + 10 * 4) * 4 * 3)
    #expect(TableMemory.estimate([TableMemory.Table(name: "x", vocab: Int.max / 2, dim: 64)]) == Int.max)
  }

  @Test func theLimitComesFromTheEnvironment() throws {
    let key = TableMemory.environmentKey
    #expect(try TableMemory.limit(environment: [key: "64K"]) == 65_536)
    #expect(try TableMemory.limit(environment: [key: "1.5G"]) == 1_610_612_736)
    #expect(try TableMemory.limit(environment: [key: "8GiB"]) == 8 << 30)
    #expect(try TableMemory.limit(environment: [key: "off"]) == nil)
    #expect(try TableMemory.limit(environment: [:])! > 0)
    #expect(throws: TableMemoryError.badLimit(text: "lots")) { try TableMemory.limit(environment: [key: "lots"]) }
    let table = [TableMemory.Table(name: "item", vocab: 10_000, dim: 16)]
    try TableMemory.check(table, environment: [key: "off"])
    #expect(throws: TableMemoryError.self) { try TableMemory.check(table, environment: [key: "1M"]) }
  }

  @Test func aTableTooLargeForMemoryIsAnErrorNotAnAbort() throws {
    let schema = try DataSchema.parse("""
      columns:
        - {name: item, role: sparse, vocab: 2000000000, dim: 64, group: item}
        - {name: click, role: click}
        - {name: buy, role: conversion}
      """)
    do {
      _ = try FeaturePlan(schema: schema)
      Issue.record("a 1.4 TiB table was accepted")
    } catch let error as ModelError {
      let text = "\(error)"
      #expect(text.hasPrefix("model input: the embedding tables need about 1.4 TiB (values and Adam's two moments"), "\(text)")
      #expect(text.contains("the largest is 'item' (2000000000 rows × 64 = 1.4 TiB)"), "\(text)")
      #expect(text.contains("CVR_TABLE_MEMORY_LIMIT"))
    }
  }
}

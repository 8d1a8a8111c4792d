// Data-parallel shares: N loaders with shards 0..<N of one seed hand out, batch
// by batch, the rows of the one-process loader's batch, in order, with no row
// twice; a batch smaller than N leaves the first ranks an empty share.
import CVRData
import Testing

@Suite struct BatchShardTests {
  @Test func sharesAreFloorSplitsOfTheBatch() {
    #expect((0..<3).map { BatchShard(index: $0, count: 3).range(ofBatch: 10) } == [0..<3, 3..<6, 6..<10])
    #expect((0..<2).map { BatchShard(index: $0, count: 2).range(ofBatch: 1) } == [0..<0, 0..<1])
    #expect(BatchShard.whole.range(ofBatch: 7) == 0..<7)
  }

  @Test(arguments: [(2, false), (3, true), (4, false)])
  func shardsTogetherAreTheOneProcessBatches(ranks: Int, background: Bool) throws {
    // 21 rows in batches of 4: the last batch has one row.
    let whole = try BatchLoaderTests.loader(.init(batchSize: 4, seed: 9, background: background))
    let shards = try (0..<ranks).map {
      try BatchLoaderTests.loader(.init(batchSize: 4, seed: 9, background: background,
                                        shard: BatchShard(index: $0, count: ranks)))
    }
    for epoch in 0..<2 {
      let expected = BatchLoaderTests.epoch(whole).map(\.rows)
      let parts = shards.map { BatchLoaderTests.epoch($0).map(\.rows) }
      for (k, rows) in expected.enumerated() {
        #expect(parts.flatMap { $0[k] } == rows, "epoch \(epoch) batch \(k)")
        #expect(shards.allSatisfy { $0.globalCount(ofBatch: k) == rows.count })
      }
      #expect(parts.allSatisfy { $0.count == expected.count })
      // The one-row last batch: only the last rank has it.
      #expect(parts.map { $0.last!.count } == (0..<ranks).map { $0 == ranks - 1 ? 1 : 0 })
    }
  }
}

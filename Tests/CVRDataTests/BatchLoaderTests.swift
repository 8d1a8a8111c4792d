// The loader's epochs: every row exactly once, seeded orders, drop-last and the
// last partial batch, and the background producer matching the synchronous mode.
import CVRData
import Testing

@Suite struct BatchLoaderTests {
  static let trainRows = Array(Int32(0)...20)  // 21 rows

  static func loader(_ options: BatchLoader.Options, rows: [Int32] = trainRows) throws -> BatchLoader {
    try BatchContentTests.loader(rows: rows, options).0
  }

  /// Every batch of one epoch, copied.
  static func epoch(_ loader: BatchLoader) -> [BatchSnapshot] {
    var batches: [BatchSnapshot] = []
    while let batch = loader.next() { batches.append(BatchSnapshot(batch)) }
    return batches
  }

  @Test(arguments: [false, true])
  func everyRowOncePerEpochWithAPartialLastBatch(background: Bool) throws {
    let loader = try Self.loader(.init(batchSize: 4, seed: 7, background: background))
    #expect(loader.batchesPerEpoch == 6)  // ⌈21 / 4⌉
    for e in 0..<3 {
      let batches = Self.epoch(loader)
      #expect(batches.map(\.rows.count) == [4, 4, 4, 4, 4, 1], "epoch \(e)")
      #expect(batches.flatMap(\.rows).sorted() == Self.trainRows, "epoch \(e)")
      #expect(loader.epoch == e + 1)
    }
  }

  @Test(arguments: [false, true])
  func dropLastKeepsOnlyFullBatches(background: Bool) throws {
    let loader = try Self.loader(.init(batchSize: 4, seed: 7, dropLast: true, background: background))
    #expect(loader.batchesPerEpoch == 5)  // ⌊21 / 4⌋
    for _ in 0..<2 {
      let rows = Self.epoch(loader).flatMap(\.rows)
      #expect(rows.count == 20 && Set(rows).count == 20 && Set(rows).isSubset(of: Self.trainRows))
    }
    // Fewer rows than a batch: no batch at all, every epoch.
    let empty = try Self.loader(.init(batchSize: 50, dropLast: true, background: background))
    #expect(empty.next() == nil && empty.next() == nil && empty.batchesPerEpoch == 0)
  }

  @Test func seedsDecideTheOrder() throws {
    let order = { (seed: UInt64) in
      let loader = try Self.loader(.init(batchSize: 5, seed: seed, background: false))
      return [Self.epoch(loader).flatMap(\.rows), Self.epoch(loader).flatMap(\.rows)]
    }
    let a = try order(1), b = try order(1), c = try order(2)
    #expect(a == b)
    #expect(a[0] != c[0])
    #expect(a[0] != a[1])  // each epoch reshuffles
    #expect(a[0] != Self.trainRows)
    let plain = try Self.loader(.init(batchSize: 5, shuffle: false, background: false))
    #expect(Self.epoch(plain).flatMap(\.rows) == Self.trainRows)
  }

  @Test func backgroundLoaderYieldsTheSynchronousBatches() throws {
    for (batchSize, dropLast) in [(4, false), (3, true), (21, false), (1, false)] {
      let sync = try Self.loader(.init(batchSize: batchSize, seed: 42, dropLast: dropLast, background: false))
      let background = try Self.loader(.init(batchSize: batchSize, seed: 42, dropLast: dropLast, background: true))
      for e in 0..<4 {
        let expected = Self.epoch(sync)
        #expect(!expected.isEmpty)
        #expect(Self.epoch(background) == expected, "batch size \(batchSize) epoch \(e)")
      }
    }
  }

  @Test(arguments: [false, true])
  func batchesAreReusedNotReallocated(background: Bool) throws {
    let loader = try Self.loader(.init(batchSize: 4, background: background))
    var seen: [ObjectIdentifier] = []
    for _ in 0..<3 { while let batch = loader.next() { seen.append(ObjectIdentifier(batch)) } }
    #expect(seen.count == 18 && Set(seen).count == (background ? 2 : 1))
  }

  @Test func shutdownJoinsTheProducerMidEpoch() throws {
    // Stop while the producer is blocked on a full slot, and with a batch still held.
    for _ in 0..<20 {
      let loader = try Self.loader(.init(batchSize: 2, seed: 3))
      _ = loader.next()
      loader.shutdown()
      loader.shutdown()  // idempotent
    }
    // Dropped without shutdown: deinit stops the thread.
    for _ in 0..<20 { _ = try Self.loader(.init(batchSize: 2)).next() }
  }
}

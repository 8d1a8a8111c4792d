// Batch contents against the store read directly: ids, normalised dense values,
// list ids with −1 padding, lengths, sequence masks, labels, weights, days, occasions, truth.
import CVRData
import Testing

/// A batch copied into arrays (batches are valid only until the next `next()`).
struct BatchSnapshot: Equatable {
  var rows: [Int32], sparse: [Int32], dense: [Float]
  var lists: [[Int32]], lengths: [[Int32]], masks: [[Float]]
  var labels: [[Float]], occasions: [Int32], days: [Int32], truth: [[Float]]

  init(_ batch: Batch) {
    let n = batch.count
    func ints(_ p: UnsafeMutablePointer<Int32>, _ w: Int = 1) -> [Int32] { Array(UnsafeBufferPointer(start: p, count: n * w)) }
    func floats(_ p: UnsafeMutablePointer<Float>, _ w: Int = 1) -> [Float] { Array(UnsafeBufferPointer(start: p, count: n * w)) }
    rows = ints(batch.rows)
    sparse = ints(batch.sparse, batch.layout.sparse.count)
    dense = floats(batch.dense, batch.layout.dense.count)
    let blocks = batch.multi + batch.sequences
    lists = blocks.map { ints($0.ids, $0.width) }
    lengths = blocks.map { ints($0.lengths) }
    masks = batch.sequences.map { floats($0.mask!, $0.width) }
    labels = [batch.click, batch.conversion, batch.action, batch.delay, batch.weight].map { floats($0) }
    occasions = ints(batch.occasions)
    days = ints(batch.days)
    truth = batch.truth.map { floats($0) }
  }
}

@Suite struct BatchContentTests {
  static func loader(rows: [Int32], weights: BatchWeights = .uniform, _ options: BatchLoader.Options) throws -> (BatchLoader, DenseNormalizer, ColumnStore) {
    let store = SplitTestStore.make()
    let normalizer = try DenseNormalizer(store: store, rows: try SplitTestStore.splits(store).rows(.train, space: .exposure))
    return (try BatchLoader(store: store, rows: rows, normalizer: normalizer, weights: weights, options: options), normalizer, store)
  }

  @Test(arguments: [false, true])
  func everyFieldMatchesTheStore(background: Bool) throws {
    let rows: [Int32] = [29, 7, 0, 13, 24]
    let (loader, normalizer, store) = try Self.loader(rows: rows, .init(batchSize: 5, shuffle: false, background: background))
    let batch = try #require(loader.next())
    #expect(batch.count == 5 && Array(batch.rowIndices) == rows)
    #expect(batch.layout.sparse == ["user", "item"] && batch.layout.dense == ["price", "age", "count", "raw", "flat"])
    for (b, row32) in rows.enumerated() {
      let r = Int(row32)
      #expect(batch.sparse[b * 2] == Int32(r % 10) && batch.sparse[b * 2 + 1] == Int32((r * 7) % 10))
      for (f, name) in batch.layout.dense.enumerated() {
        #expect(batch.dense[b * 5 + f] == normalizer.apply(store.dense[name]![r], column: f))
      }
      // tags: min(r mod 4, 3) ids r, r+1, …, then −1.
      let tags = batch.multi[0]
      #expect(tags.lengths[b] == Int32(SplitTestStore.tagLength(r)))
      for j in 0..<3 { #expect(tags.ids[b * 3 + j] == (j < SplitTestStore.tagLength(r) ? Int32(r + j) : -1)) }
      // hist: r mod 5 ids (r + j) mod 10, padding −1 kept, mask 1 exactly on the used slots.
      let hist = try #require(batch.sequence("hist"))
      let length = SplitTestStore.histLength(r)
      #expect(hist.lengths[b] == Int32(length))
      for j in 0..<4 {
        #expect(hist.ids[b * 4 + j] == (j < length ? Int32((r + j) % 10) : -1))
        #expect(hist.mask![b * 4 + j] == (j < length ? 1 : 0))
      }
      #expect(batch.click[b] == (r % 2 == 0 ? 1 : 0))
      #expect(batch.conversion[b] == (SplitTestStore.purchases.contains(r) ? 1 : 0))
      #expect(batch.action[b] == (r % 3 == 0 ? 1 : 0) && batch.delay[b] == Float(r) * 0.5)
      #expect(batch.weight[b] == 1)
      #expect(batch.days[b] == Int32(100 + r / 3) && batch.occasions[b] == SplitTestStore.occasion(day: 100 + r / 3))
      #expect(batch.truth[0][b] == Float(r) / 100)
    }
    #expect(loader.next() == nil)
  }

  @Test func weightsFromAColumnOrAFunction() throws {
    let rows: [Int32] = [3, 4, 10]
    let (byColumn, _, _) = try Self.loader(rows: rows, weights: .column("delay"), .init(batchSize: 3, shuffle: false, background: false))
    let a = try #require(byColumn.next())
    #expect(Array(UnsafeBufferPointer(start: a.weight, count: 3)) == [1.5, 2, 5])
    let (byFunction, _, _) = try Self.loader(rows: rows, weights: .perRow { Float($0) + 0.25 }, .init(batchSize: 3, shuffle: false))
    let b = try #require(byFunction.next())
    #expect(Array(UnsafeBufferPointer(start: b.weight, count: 3)) == [3.25, 4.25, 10.25])
    #expect(throws: BatchError.self) { try Self.loader(rows: rows, weights: .column("nope"), .init(batchSize: 3)) }
  }

  @Test func missingColumnsAndForeignNormalisersAreRefused() throws {
    var store = SplitTestStore.make()
    let normalizer = try DenseNormalizer(store: store, rows: [0, 1, 2])
    store.lists["hist"] = nil
    #expect(throws: BatchError("sequence column 'hist' is not in the store")) {
      try BatchAssembler(store: store, normalizer: normalizer)
    }
    #expect(throws: BatchError.self) {
      try BatchAssembler(store: SplitTestStore.make(), normalizer: DenseNormalizer(entries: []))
    }
  }

  @Test func missingLabelsFillClickOneAndOthersZero() throws {
    let store = SplitTestStore.make(withClicks: false)
    let normalizer = try DenseNormalizer(store: store, rows: [0, 1, 2])
    let assembler = try BatchAssembler(store: store, normalizer: normalizer)
    let batch = assembler.makeBatch(capacity: 4)
    [Int32(1), 3, 5].withUnsafeBufferPointer { assembler.fill(batch, rows: $0) }
    #expect(batch.count == 3 && batch.layout.click == nil)
    #expect(Array(UnsafeBufferPointer(start: batch.click, count: 3)) == [1, 1, 1])
  }
}

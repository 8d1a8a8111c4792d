// D3: assembling training batches of 256 rows from a 200 000-row synthetic
// column store in the M1-like layout (20 sparse ids, 8 dense, one sequence of
// 50, click/conversion labels, day, occasion), with the synchronous loader.
// rows/s is the report's figure; batches/s = rows/s ÷ 256. Measured on the
// shared 2-core machine (busy): median 1.0e6 rows/s ≈ 4 000 batches/s (0.25 ms
// a batch; best run 2.2e6 rows/s). Assembly is one thread either way; the
// background loader overlaps it with the training step.
import CVRCore
import CVRData
import CVRKernels

/// The synthetic store, a fitted normaliser and a synchronous loader over every row.
final class BatchProblem {
  static let (rowCount, sparseCount, denseCount, sequenceLength, batchSize) = (200_000, 20, 8, 50, 256)
  /// Batches per timed run (a run covers 64 × 256 = 16 384 rows).
  static let batchesPerRun = 64
  let store: ColumnStore
  let normalizer: DenseNormalizer
  let loader: BatchLoader

  init(seed: UInt64) {
    let n = Self.rowCount
    var rng = SeededGenerator(seed: seed)
    var columns: [ColumnSpec] = []
    for f in 0..<Self.sparseCount {
      var c = ColumnSpec("s\(f)", role: .sparse)
      c.hashBuckets = 100_000
      columns.append(c)
    }
    for f in 0..<Self.denseCount {
      var c = ColumnSpec("d\(f)", role: .dense)
      c.normalize = [ColumnSpec.Normalization.standard, .log, .minmax, .none][f % 4]
      columns.append(c)
    }
    var sequence = ColumnSpec("hist", role: .sequence)
    (sequence.vocab, sequence.separator, sequence.maxLength) = (100_000, "|", Self.sequenceLength)
    columns += [sequence, ColumnSpec("click", role: .click), ColumnSpec("buy", role: .conversion),
                ColumnSpec("day", role: .day), ColumnSpec("occasion", role: .occasion)]
    var store = ColumnStore(schema: DataSchema(columns: columns), rowCount: n)
    func ints(width: Int = 1, _ value: (Int) -> Int32) -> Column<Int32> {
      let buffer = ColumnBuffer<Int32>(count: n * width, repeating: 0)
      for i in 0..<(n * width) { buffer.storage[i] = value(i) }
      return buffer.column(width: width)
    }
    func floats(_ value: (Int) -> Float) -> Column<Float> {
      let buffer = ColumnBuffer<Float>(count: n, repeating: 0)
      for i in 0..<n { buffer.storage[i] = value(i) }
      return buffer.column()
    }
    for f in 0..<Self.sparseCount { store.ids["s\(f)"] = ints { _ in Int32(rng.next() % 100_000) } }
    for f in 0..<Self.denseCount { store.dense["d\(f)"] = floats { _ in rng.nextFloat(in: -2, 10) } }
    let lengths = (0..<n).map { _ in Int32(rng.next() % UInt64(Self.sequenceLength + 1)) }
    let width = Self.sequenceLength
    store.lists["hist"] = ints(width: width) { i in Int32(i % width) < lengths[i / width] ? Int32(rng.next() % 100_000) : -1 }
    store.lengths["hist"] = ints { lengths[$0] }
    store.labels["click"] = floats { _ in rng.nextUnitFloat() < 0.1 ? 1 : 0 }
    store.labels["buy"] = floats { _ in rng.nextUnitFloat() < 0.01 ? 1 : 0 }
    store.days = ints { Int32($0 * 60 / n) }
    store.occasions = ints { Int32($0 * 4 / n) }
    store.occasionNames = ["BP", "DP", "AP", "NP"]
    self.store = store
    normalizer = try! DenseNormalizer(store: store, rows: (0..<Int32(n)).map { $0 })
    loader = try! BatchLoader(store: store, rows: (0..<Int32(n)).map { $0 }, normalizer: normalizer,
                              options: .init(batchSize: Self.batchSize, seed: seed, background: false))
  }

  var shape: String { "200000 rows, batch 256: 20 sparse, 8 dense, sequence 50, labels; 64 batches per run" }

  /// Assembles the next 64 batches (the loader starts a new shuffled epoch when one ends).
  func run() {
    var made = 0
    while made < Self.batchesPerRun {
      if loader.next() != nil { made += 1 }
    }
  }

  /// Assembles one batch with a fresh unshuffled loader and compares every field with the store.
  func check() -> String? {
    let rows: [Int32] = [0, 17, 199_999, 123_456]
    guard let fresh = try? BatchLoader(store: store, rows: rows, normalizer: normalizer,
                                      options: .init(batchSize: 4, shuffle: false, background: false)),
      let batch = fresh.next()
    else { return "could not build a batch" }
    let width = Self.sequenceLength
    for (b, row32) in rows.enumerated() {
      let r = Int(row32)
      for f in 0..<Self.sparseCount where batch.sparse[b * Self.sparseCount + f] != store.ids["s\(f)"]![r] {
        return "row \(r) sparse \(f)"
      }
      for f in 0..<Self.denseCount
      where batch.dense[b * Self.denseCount + f] != normalizer.apply(store.dense["d\(f)"]![r], column: f) {
        return "row \(r) dense \(f)"
      }
      let hist = batch.sequences[0], stored = store.lists["hist"]!.row(r)
      for j in 0..<width where hist.ids[b * width + j] != stored[j] || hist.mask![b * width + j] != (stored[j] >= 0 ? 1 : 0) {
        return "row \(r) sequence slot \(j)"
      }
      if hist.lengths[b] != store.lengths["hist"]![r] || batch.click[b] != store.clicks![r]
        || batch.conversion[b] != store.conversions![r] || batch.days[b] != store.days![r] {
        return "row \(r) length or labels"
      }
    }
    return nil
  }
}

enum BatchBenches {
  static func cases() -> [BenchCase] {
    let problem = BatchProblem(seed: 3)
    return [
      BenchCase(name: "D3-batches", shape: problem.shape, flops: 0, run: problem.run, check: problem.check,
                rows: Double(BatchProblem.batchesPerRun * BatchProblem.batchSize)),
    ]
  }
}

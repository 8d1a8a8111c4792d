// The tiny DDF world, generated once per test process, with its splits and a
// batch assembler: the data every model test reads.
import CVRData
import CVRIngest
import CVRSimulation
import CVRTestSupport
import Foundation

/// Tiny DDF world (seed 5): 28 days, 2 promotions; train days 0–20, recent 14–20, valid 21–27.
struct ModelFixture: Sendable {
  let schema: DataSchema
  let store: ColumnStore
  let splits: DataSplits
  let normalizer: DenseNormalizer
  let assembler: BatchAssembler

  static let shared: ModelFixture = {
    do { return try ModelFixture() } catch { fatalError("ModelFixture: \(error)") }
  }()

  private init() throws {
    let directory = try scratchDirectory()
    let files = try DDFWorld.write(.tiny, seed: 5, to: directory)
    schema = try DataSchema.load(from: files.schema)
    store = try DataIngest.load(files.data, schema: schema, schemaDirectory: directory).store
    splits = try DataSplits(store: store, train: DayRange(0, 20), recent: DayRange(14, 20), valid: DayRange(21, 27))
    normalizer = try DenseNormalizer(store: store, rows: splits.rows(.train, space: .exposure))
    assembler = try BatchAssembler(store: store, normalizer: normalizer)
  }

  /// A batch holding `rows`, in order.
  func batch(_ rows: [Int32]) -> Batch {
    let batch = assembler.makeBatch(capacity: rows.count)
    rows.withUnsafeBufferPointer { assembler.fill(batch, rows: $0) }
    return batch
  }

  /// The first `count` rows of `split` in `space`.
  func rows(_ split: Split, _ space: Space, count: Int) -> [Int32] {
    Array(splits.rows(split, space: space).prefix(count))
  }
}

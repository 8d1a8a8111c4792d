// The data of workloads M1 and M2 (WORKLOADS.md): the M1 schema built in code
// and a synthetic column store of seeded random ids, assembled into fixed
// batches once, so a timed step reads ready memory like a warm loader's.
import CVRCore
import CVRData
import CVRKernels

/// M1's columns, tables and widths, and batches of seeded random rows.
///
/// Blocks: user 6 sparse (100 000 × 8) + 8 dense = 56; item id (1 000 000 × 32),
/// category (10 000 × 32), brand (100 000 × 32) + 8 dense = 104; interaction
/// 8 dense; context position 200, hour 24, weekday 7 (× 8) and the occasion
/// (4 × 8, the embedder's `occasionDim`) = 32; the behaviour sequence of
/// T = 50 (item, category, brand, sharing the item's tables) with true lengths
/// uniform in [10, 50].
final class MetaCVRData {
  static let sequenceLength = 50
  static let occasions = ["NP", "BP", "DP", "AP"]
  /// Rows of the synthetic store: enough for distinct batches of 1024.
  static let rowCount = 8192
  let schema: DataSchema
  let assembler: BatchAssembler

  init(seed: UInt64) {
    func column(_ name: String, _ role: ColumnSpec.Role, vocab: Int? = nil, dim: Int? = nil, table: String? = nil,
                group: ColumnSpec.Group? = nil, alignWith: String? = nil) -> ColumnSpec {
      var c = ColumnSpec(name, role: role)
      (c.vocab, c.dim, c.table, c.group, c.alignWith) = (vocab, dim, table, group, alignWith)
      if role == .sequence { (c.separator, c.maxLength) = ("|", Self.sequenceLength) }
      return c
    }
    var columns: [ColumnSpec] = [
      column("position", .sparse, vocab: 200, dim: 8, group: .context),
      column("hour", .sparse, vocab: 24, dim: 8, group: .context),
      column("weekday", .sparse, vocab: 7, dim: 8, group: .context),
    ]
    columns += (0..<6).map { column("user_s\($0)", .sparse, vocab: 100_000, dim: 8, group: .user) }
    columns += (0..<8).map { column("user_d\($0)", .dense, group: .user) }
    columns += [
      column("item_id", .sparse, vocab: 1_000_000, dim: 32, table: "item", group: .item),
      column("item_category", .sparse, vocab: 10_000, dim: 32, table: "category", group: .item),
      column("item_brand", .sparse, vocab: 100_000, dim: 32, table: "brand", group: .item),
    ]
    columns += (0..<8).map { column("item_d\($0)", .dense, group: .item) }
    columns += (0..<8).map { column("pair_d\($0)", .dense, group: .interaction) }
    columns += [
      column("hist_items", .sequence, vocab: 1_000_000, dim: 32, table: "item", group: .user),
      column("hist_cats", .sequence, vocab: 10_000, dim: 32, table: "category", group: .user, alignWith: "hist_items"),
      column("hist_brands", .sequence, vocab: 100_000, dim: 32, table: "brand", group: .user, alignWith: "hist_items"),
      ColumnSpec("click", role: .click), ColumnSpec("buy", role: .conversion), ColumnSpec("day", role: .day),
      ColumnSpec("occasion", role: .occasion),
    ]
    schema = DataSchema(columns: columns, occasions: Self.occasions)

    let n = Self.rowCount
    var rng = SeededGenerator(seed: seed)
    var store = ColumnStore(schema: schema, rowCount: n)
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
    for spec in columns {
      switch spec.role {
      case .sparse: store.ids[spec.name] = ints { _ in Int32(rng.next() % UInt64(spec.vocab!)) }
      case .dense: store.dense[spec.name] = floats { _ in rng.nextFloat(in: -1, 1) }
      default: break
      }
    }
    let T = Self.sequenceLength
    let lengths = (0..<n).map { _ in Int32(10 + rng.next() % UInt64(T - 9)) }
    for spec in columns where spec.role == .sequence {
      store.lists[spec.name] = ints(width: T) { i in
        Int32(i % T) < lengths[i / T] ? Int32(rng.next() % UInt64(spec.vocab!)) : -1
      }
      store.lengths[spec.name] = ints { lengths[$0] }
    }
    store.labels["click"] = floats { _ in 1 }
    store.labels["buy"] = floats { _ in rng.nextUnitFloat() < 0.3 ? 1 : 0 }
    store.days = ints { _ in 0 }
    store.occasions = ints { _ in Int32(rng.next() % 4) }
    store.occasionNames = Self.occasions
    let normalizer = try! DenseNormalizer(store: store, rows: (0..<Int32(n)).map { $0 })
    assembler = try! BatchAssembler(store: store, normalizer: normalizer)
  }

  /// `count` batches of `size` distinct consecutive rows of a seeded shuffle of the store.
  func batches(_ count: Int, size: Int, seed: UInt64) -> [Batch] {
    var rng = SeededGenerator(seed: seed)
    var order = (0..<Int32(Self.rowCount)).map { $0 }
    for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
    return (0..<count).map { b in
      let batch = assembler.makeBatch(capacity: size)
      let start = (b * size) % (Self.rowCount - size + 1)
      order[start..<(start + size)].withUnsafeBufferPointer { assembler.fill(batch, rows: $0) }
      return batch
    }
  }
}

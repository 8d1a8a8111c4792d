// Fills a Batch from a ColumnStore for a list of rows: the columns are looked
// up once here, so filling a batch is plain gathers with no dictionary access.

/// Where sample weights come from.
public enum BatchWeights: Sendable {
  /// Every sample weighs 1.
  case uniform
  /// The raw value of a dense, label or truth column.
  case column(String)
  /// A weight per store row.
  case perRow(@Sendable (Int32) -> Float)
}

/// The store's columns resolved in batch layout order, and the gathers that fill a batch.
public struct BatchAssembler: @unchecked Sendable {
  public let store: ColumnStore
  public let layout: BatchLayout
  public let normalizer: DenseNormalizer
  private let sparse: [Column<Int32>]
  private let dense: [Column<Float>]
  private let multi: [(ids: Column<Int32>, lengths: Column<Int32>)]
  private let sequences: [(ids: Column<Int32>, lengths: Column<Int32>)]
  private let click, conversion, action, delay: Column<Float>?
  private let truth: [Column<Float>]
  private let weightColumn: Column<Float>?
  private let weightFunction: (@Sendable (Int32) -> Float)?

  /// Resolves every column of the schema's batch layout in `store`.
  ///
  /// Throws `BatchError` when a column of the schema is missing from the store,
  /// the normaliser's dense columns differ from the schema's, or the weight column is unknown.
  public init(store: ColumnStore, normalizer: DenseNormalizer, weights: BatchWeights = .uniform) throws {
    let layout = BatchLayout(schema: store.schema)
    func need<T>(_ map: [String: Column<T>], _ name: String, _ what: String) throws -> Column<T> {
      guard let column = map[name] else { throw BatchError("\(what) column '\(name)' is not in the store") }
      return column
    }
    guard normalizer.entries.map(\.name) == layout.dense else {
      throw BatchError("the normaliser covers \(normalizer.entries.map(\.name)), the schema's dense columns are \(layout.dense)")
    }
    self.store = store
    self.layout = layout
    self.normalizer = normalizer
    sparse = try layout.sparse.map { try need(store.ids, $0, "sparse") }
    dense = try layout.dense.map { try need(store.dense, $0, "dense") }
    multi = try layout.multi.map { (try need(store.lists, $0.name, "multi"), try need(store.lengths, $0.name, "multi length")) }
    sequences = try layout.sequences.map {
      (try need(store.lists, $0.name, "sequence"), try need(store.lengths, $0.name, "sequence length"))
    }
    for (field, (ids, _)) in zip(layout.multi + layout.sequences, multi + sequences) where ids.width != field.width {
      throw BatchError("list column '\(field.name)' has \(ids.width) slots per row in the store, the schema says \(field.width)")
    }
    click = try layout.click.map { try need(store.labels, $0, "click") }
    conversion = try layout.conversion.map { try need(store.labels, $0, "conversion") }
    action = try layout.action.map { try need(store.labels, $0, "action") }
    delay = try layout.delay.map { try need(store.labels, $0, "delay") }
    truth = try layout.truth.map { try need(store.truth, $0, "truth") }
    switch weights {
    case .uniform:
      (weightColumn, weightFunction) = (nil, nil)
    case .column(let name):
      guard let column = store.dense[name] ?? store.labels[name] ?? store.truth[name] else {
        throw BatchError("weight column '\(name)' is not a dense, label or truth column of the store")
      }
      (weightColumn, weightFunction) = (column, nil)
    case .perRow(let function):
      (weightColumn, weightFunction) = (nil, function)
    }
  }

  /// A batch with this assembler's layout and room for `capacity` samples.
  public func makeBatch(capacity: Int) -> Batch { Batch(layout: layout, capacity: capacity) }

  /// Walks `rows` in order, `batch.capacity` at a time: fills `batch` with each
  /// chunk and calls `body(batch, offset)`, offset being the chunk's first index
  /// in `rows` (scoring, prototypes, feature matrices: every row once, no shuffle).
  public func forEachChunk(
    of rows: [Int32], in batch: Batch, _ body: (_ batch: Batch, _ offset: Int) throws -> Void
  ) rethrows {
    try rows.withUnsafeBufferPointer { all in
      var start = 0
      while start < all.count {
        let end = Swift.min(start + batch.capacity, all.count)
        fill(batch, rows: UnsafeBufferPointer(rebasing: all[start..<end]))
        try body(batch, start)
        start = end
      }
    }
  }

  /// Fills `batch` with `rows` (count ≤ batch.capacity) and sets `batch.count`.
  public func fill(_ batch: Batch, rows: UnsafeBufferPointer<Int32>) {
    precondition(batch.layout == layout, "BatchAssembler.fill: the batch has another layout")
    precondition(rows.count <= batch.capacity, "BatchAssembler.fill: \(rows.count) rows exceed capacity \(batch.capacity)")
    let n = rows.count
    batch.count = n
    guard n > 0 else { return }
    batch.rows.update(from: rows.baseAddress!, count: n)

    // Column by column: each pass reads one store column and writes one strided column of the block.
    let nSparse = sparse.count
    for (f, column) in sparse.enumerated() {
      let out = batch.sparse
      for b in 0..<n { out[b * nSparse + f] = column[Int(rows[b])] }
    }
    for (f, column) in dense.enumerated() {
      normalizer.apply(column: f, of: column, rows: rows, into: batch.dense, stride: dense.count)
    }
    for (block, source) in zip(batch.multi, multi) { Self.copyList(source, rows: rows, into: block) }
    for (block, source) in zip(batch.sequences, sequences) {
      Self.copyList(source, rows: rows, into: block)
      let mask = block.mask!
      for i in 0..<(n * block.width) { mask[i] = block.ids[i] >= 0 ? 1 : 0 }
    }

    Self.gather(click, rows: rows, into: batch.click, missing: 1)
    Self.gather(conversion, rows: rows, into: batch.conversion, missing: 0)
    Self.gather(action, rows: rows, into: batch.action, missing: 0)
    Self.gather(delay, rows: rows, into: batch.delay, missing: 0)
    for (t, column) in truth.enumerated() { Self.gather(column, rows: rows, into: batch.truth[t], missing: 0) }
    if let weightFunction {
      for b in 0..<n { batch.weight[b] = weightFunction(rows[b]) }
    } else {
      Self.gather(weightColumn, rows: rows, into: batch.weight, missing: 1)
    }
    Self.gather(store.occasions, rows: rows, into: batch.occasions, missing: 0)
    Self.gather(store.days, rows: rows, into: batch.days, missing: 0)
  }

  /// Copies each row's `width` slots and its length.
  private static func copyList(
    _ source: (ids: Column<Int32>, lengths: Column<Int32>), rows: UnsafeBufferPointer<Int32>, into block: ListBlock
  ) {
    let width = block.width
    let base = source.ids.values.baseAddress!
    for b in 0..<rows.count {
      let row = Int(rows[b])
      (block.ids + b * width).update(from: base + row * width, count: width)
      block.lengths[b] = source.lengths[row]
    }
  }

  /// out[b] = column[rows[b]], or `missing` for every sample when there is no column.
  @inline(__always)
  private static func gather<T>(_ column: Column<T>?, rows: UnsafeBufferPointer<Int32>, into out: UnsafeMutablePointer<T>, missing: T) {
    guard let column else {
      out.update(repeating: missing, count: rows.count)
      return
    }
    for b in 0..<rows.count { out[b] = column[Int(rows[b])] }
  }
}

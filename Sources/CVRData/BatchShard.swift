// Which part of every batch a data-parallel rank takes: the loader keeps the
// global order and batch boundaries of one process and hands this rank its
// contiguous share of each batch, so N ranks together see one process's batches.

/// Rank `index` of `count` ranks takes rows ⌊b·r/N⌋ ..< ⌊b·(r+1)/N⌋ of each
/// batch of b rows: shares differ by at most one row; a batch smaller than N
/// leaves some ranks an empty share (docs/distributed.md §2).
public struct BatchShard: Sendable, Equatable {
  public var index: Int
  public var count: Int

  /// The whole batch (one process).
  public static let whole = BatchShard(index: 0, count: 1)

  public init(index: Int, count: Int) {
    precondition(count >= 1 && index >= 0 && index < count, "BatchShard: rank \(index) of \(count)")
    self.index = index
    self.count = count
  }

  /// This rank's offsets within a batch of `rows` rows.
  public func range(ofBatch rows: Int) -> Range<Int> { (rows * index / count)..<(rows * (index + 1) / count) }
}

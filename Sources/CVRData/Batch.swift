// One batch of samples as contiguous buffers the engine reads directly. A batch
// owns its memory and is refilled in place, so a warm loader allocates nothing.

/// The ids, lengths and (sequences) key mask of one list feature, [capacity × width] row-major.
public struct ListBlock: @unchecked Sendable {
  public let name: String
  public let width: Int
  /// ids[b · width + j]: slot j of sample b; −1 in unused slots (as in the store).
  public let ids: UnsafeMutablePointer<Int32>
  /// lengths[b]: used slots of sample b.
  public let lengths: UnsafeMutablePointer<Int32>
  /// Sequences only: mask[b · width + j] = 1 where slot j holds an id (id ≥ 0), else 0.
  public let mask: UnsafeMutablePointer<Float>?
}

/// Buffers for up to `capacity` samples; the first `count` are valid.
///
/// Per-sample blocks are row-major with the sample index outermost:
/// - `rows` [B]: row indices into the store;
/// - `sparse` [B × layout.sparse.count] Int32 table rows;
/// - `dense` [B × layout.dense.count] Float, normalised by the loader's `DenseNormalizer`;
/// - `multi[i]`, `sequences[i]`: see `ListBlock`;
/// - `click`, `conversion`, `action`, `delay`, `weight` [B] Float (weight 1 unless the loader is given weights);
/// - `occasions`, `days` [B] Int32 (0 when the data has no such column);
/// - `truth[t]` [B] Float, one per truth column.
public final class Batch: @unchecked Sendable {
  public let layout: BatchLayout
  public let capacity: Int
  /// Valid samples (≤ capacity; smaller for the last batch of an epoch without drop-last).
  public internal(set) var count = 0
  public let rows: UnsafeMutablePointer<Int32>
  public let sparse: UnsafeMutablePointer<Int32>
  public let dense: UnsafeMutablePointer<Float>
  public let multi: [ListBlock]
  public let sequences: [ListBlock]
  public let click, conversion, action, delay, weight: UnsafeMutablePointer<Float>
  public let occasions, days: UnsafeMutablePointer<Int32>
  public let truth: [UnsafeMutablePointer<Float>]

  /// Allocates every buffer for `capacity` samples, filled with zeros (−1 for list ids).
  public init(layout: BatchLayout, capacity: Int) {
    precondition(capacity >= 1, "Batch: capacity must be at least 1, got \(capacity)")
    func ints(_ n: Int, _ value: Int32 = 0) -> UnsafeMutablePointer<Int32> {
      let p = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(n, 1))
      p.initialize(repeating: value, count: Swift.max(n, 1))
      return p
    }
    func floats(_ n: Int) -> UnsafeMutablePointer<Float> {
      let p = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(n, 1))
      p.initialize(repeating: 0, count: Swift.max(n, 1))
      return p
    }
    self.layout = layout
    self.capacity = capacity
    rows = ints(capacity)
    sparse = ints(capacity * layout.sparse.count)
    dense = floats(capacity * layout.dense.count)
    multi = layout.multi.map {
      ListBlock(name: $0.name, width: $0.width, ids: ints(capacity * $0.width, -1), lengths: ints(capacity), mask: nil)
    }
    sequences = layout.sequences.map {
      ListBlock(name: $0.name, width: $0.width, ids: ints(capacity * $0.width, -1), lengths: ints(capacity),
                mask: floats(capacity * $0.width))
    }
    click = floats(capacity)
    conversion = floats(capacity)
    action = floats(capacity)
    delay = floats(capacity)
    weight = floats(capacity)
    occasions = ints(capacity)
    days = ints(capacity)
    truth = layout.truth.map { _ in floats(capacity) }
  }

  deinit {
    for p in [rows, sparse, occasions, days] { p.deallocate() }
    for p in [dense, click, conversion, action, delay, weight] + truth { p.deallocate() }
    for block in multi + sequences {
      block.ids.deallocate()
      block.lengths.deallocate()
      block.mask?.deallocate()
    }
  }

  /// The valid row indices.
  public var rowIndices: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: rows, count: count) }

  /// The sequence block named `name`, if the layout has one.
  public func sequence(_ name: String) -> ListBlock? { sequences.first { $0.name == name } }
  /// The multi-valued block named `name`, if the layout has one.
  public func multiValued(_ name: String) -> ListBlock? { multi.first { $0.name == name } }
}

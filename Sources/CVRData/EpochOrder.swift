// The order of rows in one epoch: the caller's rows, shuffled by a generator
// seeded from (seed, epoch), so an epoch's order depends on nothing else.
import CVRCore

/// The row order of each epoch and its fixed-size batches.
struct EpochOrder {
  let rows: [Int32]
  let batchSize: Int
  let shuffle: Bool
  let seed: UInt64
  let dropLast: Bool
  /// This rank's share of each batch (`.whole` in one process).
  let shard: BatchShard
  /// The current epoch's order (same count as `rows`; refilled in place).
  private(set) var order: [Int32]

  init(rows: [Int32], batchSize: Int, shuffle: Bool, seed: UInt64, dropLast: Bool, shard: BatchShard = .whole) {
    precondition(batchSize >= 1, "BatchLoader: batch size must be at least 1, got \(batchSize)")
    self.rows = rows
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.seed = seed
    self.dropLast = dropLast
    self.shard = shard
    order = rows
  }

  /// Batches per epoch: ⌊n / B⌋ with drop-last, else ⌈n / B⌉.
  var batchesPerEpoch: Int { dropLast ? rows.count / batchSize : (rows.count + batchSize - 1) / batchSize }

  /// Resets `order` to the rows and, when shuffling, applies a Fisher–Yates
  /// shuffle from SeededGenerator(seed mixed with epoch).
  mutating func prepare(epoch: Int) {
    let n = rows.count
    rows.withUnsafeBufferPointer { source in
      order.withUnsafeMutableBufferPointer { target in
        _ = target.initialize(fromContentsOf: source)
        guard shuffle, n > 1 else { return }
        var rng = SeededGenerator(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15))
        for i in stride(from: n - 1, to: 0, by: -1) {
          // Lemire's multiply-high: j in 0...i with bias ≤ (i+1)/2^64; written out so orders never change with the stdlib.
          let j = Int(rng.next().multipliedFullWidth(by: UInt64(i + 1)).high)
          target.swapAt(i, j)
        }
      }
    }
  }

  /// Rows in global batch `index` (all ranks' shares together).
  func globalCount(ofBatch index: Int) -> Int { min(batchSize, rows.count - index * batchSize) }

  /// Calls `body` with this shard's rows of batch `index` of the prepared epoch.
  func withBatch<R>(_ index: Int, _ body: (UnsafeBufferPointer<Int32>) -> R) -> R {
    let start = index * batchSize
    let share = shard.range(ofBatch: globalCount(ofBatch: index))
    let lower = start + share.lowerBound, upper = start + share.upperBound
    return order.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[lower..<upper])) }
  }
}

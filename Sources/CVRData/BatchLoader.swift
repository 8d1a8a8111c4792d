// Batches over a list of rows, epoch after epoch: seeded shuffle, fixed batch
// size, optional drop-last, and a background thread that assembles the next
// batch while the caller trains on the current one.
import CVRCore
import Foundation

/// Yields `Batch`es of `rows`, shuffled per epoch.
///
/// Protocol: call `next()` from one thread at a time. It returns the next batch
/// of the current epoch, or nil once the epoch is over; the call after a nil
/// starts the next epoch. **A returned batch is valid until the next `next()`
/// call** — the loader then refills its memory — so copy anything needed longer.
///
/// Background mode (double buffering): the loader owns two batches. The caller
/// holds one while a producer thread fills the other; `next()` hands the held one
/// back and takes the filled one. Each batch is touched by one side at a time,
/// and the hand-over happens under one lock (so its writes are visible to the
/// other side). `shutdown()` (or deinit) stops and joins the thread.
/// Synchronous mode fills one batch inside `next()`; both modes give identical batches.
public final class BatchLoader: @unchecked Sendable {
  public struct Options: Sendable {
    public var batchSize: Int
    /// Shuffle each epoch (else the rows' own order every epoch).
    public var shuffle: Bool
    /// Epoch e is shuffled by SeededGenerator(seed ^ e·0x9E3779B97F4A7C15): same seed, same orders.
    public var seed: UInt64
    /// Drop the last batch when it is smaller than `batchSize`.
    public var dropLast: Bool
    /// Assemble batches on a producer thread (false: inside `next()`).
    public var background: Bool
    /// The 0-based epoch the first `next()` is in: a resumed training starts at
    /// the epoch after its checkpoint and sees the orders an uninterrupted run would.
    public var firstEpoch: Int
    /// Data-parallel training: this rank's share of every batch (the batches,
    /// their order and `batchSize` stay the global ones; see `BatchShard`).
    public var shard: BatchShard

    public init(batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false, background: Bool = true,
                firstEpoch: Int = 0, shard: BatchShard = .whole) {
      precondition(firstEpoch >= 0, "BatchLoader: firstEpoch must be ≥ 0, got \(firstEpoch)")
      self.batchSize = batchSize
      self.shuffle = shuffle
      self.seed = seed
      self.dropLast = dropLast
      self.background = background
      self.firstEpoch = firstEpoch
      self.shard = shard
    }
  }

  public let options: Options
  public let batchesPerEpoch: Int
  /// The epoch `next()` is in (0-based; advances after the nil that ends an epoch).
  public private(set) var epoch = 0
  private var position = 0
  private let assembler: BatchAssembler
  /// Synchronous mode: the order and the one batch (nil in background mode).
  private var order: EpochOrder
  private let batch: Batch?
  private let producer: BatchProducer?

  /// A loader over `rows` (store row indices) assembling with `assembler`.
  public init(assembler: BatchAssembler, rows: [Int32], options: Options) {
    self.options = options
    self.assembler = assembler
    order = EpochOrder(rows: rows, batchSize: options.batchSize, shuffle: options.shuffle, seed: options.seed,
                       dropLast: options.dropLast, shard: options.shard)
    batchesPerEpoch = order.batchesPerEpoch
    epoch = options.firstEpoch
    if options.background {
      batch = nil
      producer = BatchProducer(assembler: assembler, order: order, firstEpoch: options.firstEpoch)
      producer!.start()
    } else {
      batch = assembler.makeBatch(capacity: options.batchSize)
      producer = nil
    }
  }

  /// A loader over `rows` of `store`, normalising dense columns with `normalizer`.
  /// Throws `BatchError` when the store lacks a column of its schema.
  public convenience init(
    store: ColumnStore, rows: [Int32], normalizer: DenseNormalizer, weights: BatchWeights = .uniform, options: Options
  ) throws {
    self.init(assembler: try BatchAssembler(store: store, normalizer: normalizer, weights: weights), rows: rows,
              options: options)
  }

  deinit { producer?.shutdown() }

  /// The next batch of the epoch, or nil at its end (see the type's protocol).
  public func next() -> Batch? {
    if let producer {
      let result = producer.take()
      if result == nil { epoch += 1 }
      return result
    }
    if position == batchesPerEpoch {
      position = 0
      epoch += 1
      return nil
    }
    if position == 0 { order.prepare(epoch: epoch) }
    let batch = batch!
    order.withBatch(position) { assembler.fill(batch, rows: $0) }
    position += 1
    return batch
  }

  /// Rows of global batch `index` (0-based) over all shards: what this rank's
  /// share of it is weighed against.
  public func globalCount(ofBatch index: Int) -> Int { order.globalCount(ofBatch: index) }

  /// Stops and joins the producer thread (nothing in synchronous mode); `next()` must not be called after.
  public func shutdown() { producer?.shutdown() }
}

/// The producer side of background mode: a thread filling two alternating batches.
final class BatchProducer: @unchecked Sendable {
  private let assembler: BatchAssembler
  private var order: EpochOrder
  private let batches: [Batch]
  // Guarded by `condition`:
  /// full[s]: slot s holds something for the consumer (a batch or the end-of-epoch mark)
  /// or is held by it; the producer fills only slots that are not full.
  private var full = [false, false]
  private var stopping = false
  private var finished = false
  private var started = false
  /// endOfEpoch[s]: the full slot s marks the end of an epoch instead of holding a batch.
  private var endOfEpoch = [false, false]
  // Consumer only:
  private var nextSlot = 0
  private var held: Int?
  private let condition = NSCondition()
  private let firstEpoch: Int

  init(assembler: BatchAssembler, order: EpochOrder, firstEpoch: Int = 0) {
    self.assembler = assembler
    self.order = order
    self.firstEpoch = firstEpoch
    batches = [assembler.makeBatch(capacity: order.batchSize), assembler.makeBatch(capacity: order.batchSize)]
  }

  func start() {
    started = true
    let thread = Thread { [self] in run() }
    thread.name = "cvr.batch-producer"
    thread.start()
  }

  /// Producer loop: for each epoch, every batch then an end mark, each into the next free slot.
  private func run() {
    var slot = 0
    var epoch = firstEpoch
    produce: while true {
      order.prepare(epoch: epoch)
      for index in 0...order.batchesPerEpoch {
        condition.lock()
        while full[slot] && !stopping { condition.wait() }
        let stop = stopping
        condition.unlock()
        if stop { break produce }
        let isEnd = index == order.batchesPerEpoch
        if !isEnd { order.withBatch(index) { assembler.fill(batches[slot], rows: $0) } }
        condition.lock()
        endOfEpoch[slot] = isEnd
        full[slot] = true
        condition.broadcast()
        condition.unlock()
        slot ^= 1
      }
      epoch += 1
    }
    condition.lock()
    finished = true
    condition.broadcast()
    condition.unlock()
  }

  /// Consumer: returns the held slot, waits for the next full one; nil for an end mark.
  func take() -> Batch? {
    condition.lock()
    defer { condition.unlock() }
    precondition(!stopping, "BatchLoader.next() after shutdown()")
    if let held {
      full[held] = false
      self.held = nil
      condition.broadcast()
    }
    while !full[nextSlot] { condition.wait() }
    let slot = nextSlot
    nextSlot ^= 1
    if endOfEpoch[slot] {
      full[slot] = false
      condition.broadcast()
      return nil
    }
    held = slot
    return batches[slot]
  }

  /// Asks the producer to stop and waits until it has.
  func shutdown() {
    condition.lock()
    defer { condition.unlock() }
    guard started else { return }
    stopping = true
    condition.broadcast()
    while !finished { condition.wait() }
  }
}

// Step memory: a bump allocator that hands out tensor buffers during a step and
// takes them all back at `reset()`. After the first step it holds one block as
// large as the step needed, so later steps of the same shapes allocate nothing.

/// Bump allocator for the tensors of one step (activations, gradients, scratch).
///
/// Buffers are 64-byte aligned and valid until the next `reset()`.
public final class Arena {
  private struct Block {
    let base: UnsafeMutablePointer<Float>
    let capacity: Int
  }

  private var blocks: [Block] = []
  private var used = 0  // floats used in the last block
  private var stepTotal = 0  // floats handed out since the last reset
  private let minimumBlock: Int

  /// How many blocks were ever taken from the system allocator. Flat after warm-up.
  public private(set) var blockAllocations = 0
  /// Largest number of floats one step has used.
  public private(set) var highWater = 0

  public init(initialCapacity: Int = 1 << 18) {
    minimumBlock = max(1024, initialCapacity)
  }

  deinit { for block in blocks { block.base.deallocate() } }

  /// An uninitialised buffer of `count` floats.
  @inline(__always)
  public func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
    let rounded = (count + 15) & ~15  // keep every buffer 64-byte aligned
    if blocks.isEmpty || used + rounded > blocks[blocks.count - 1].capacity {
      grow(rounded)
    }
    let pointer = blocks[blocks.count - 1].base + used
    used += rounded
    stepTotal += rounded
    return pointer
  }

  /// A buffer of `count` zeros.
  @inline(__always)
  public func allocateZeroed(_ count: Int) -> UnsafeMutablePointer<Float> {
    let p = allocate(count)
    p.initialize(repeating: 0, count: count)
    return p
  }

  private func grow(_ atLeast: Int) {
    let last = blocks.last?.capacity ?? 0
    let capacity = max(atLeast, minimumBlock, last * 2)
    let base = UnsafeMutableRawPointer.allocate(
      byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64
    ).bindMemory(to: Float.self, capacity: capacity)
    blocks.append(Block(base: base, capacity: capacity))
    blockAllocations += 1
    used = 0
  }

  /// Takes every buffer back. If the step spilled into several blocks they are
  /// merged into one that fits the whole step, so the next step stays in it.
  public func reset() {
    highWater = max(highWater, stepTotal)
    if blocks.count > 1 {
      for block in blocks { block.base.deallocate() }
      blocks.removeAll(keepingCapacity: true)
      grow(highWater)
    }
    used = 0
    stepTotal = 0
  }

  /// Bytes held from the system allocator.
  public var bytesReserved: Int { blocks.reduce(0) { $0 + $1.capacity } * MemoryLayout<Float>.stride }
}

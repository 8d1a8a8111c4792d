// A growable raw buffer that decoded values are appended to during ingestion;
// it becomes a column's owner without a copy.
#if canImport(Glibc)
import CVRData
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Values of one column appended row by row, in memory from `realloc`.
///
/// Why realloc and not an Array: large blocks are `mmap`ed by glibc and grown
/// with `mremap`, so doubling moves no bytes and capacity never touched costs
/// no resident memory; the resident size stays the size of the values, which
/// keeps ingestion's peak memory near the size of the decoded columns.
final class GrowableBuffer<T: BitwiseCopyable> {
  private(set) var base: UnsafeMutablePointer<T>
  private(set) var count = 0
  private var capacity: Int

  init(initialCapacity: Int = 1024) {
    capacity = max(16, initialCapacity)
    base = Self.reallocate(nil, capacity)
  }

  deinit { free(base) }

  private static func reallocate(_ old: UnsafeMutablePointer<T>?, _ capacity: Int) -> UnsafeMutablePointer<T> {
    guard let raw = realloc(old, capacity * MemoryLayout<T>.stride) else {
      fatalError("GrowableBuffer: out of memory growing to \(capacity) values")
    }
    return raw.assumingMemoryBound(to: T.self)
  }

  /// Makes room for `extra` more values.
  @inline(__always)
  func reserve(_ extra: Int) {
    if count + extra > capacity { grow(count + extra) }
  }

  private func grow(_ needed: Int) {
    capacity = max(needed, capacity * 2)
    base = Self.reallocate(base, capacity)
  }

  @inline(__always)
  func append(_ value: T) {
    if count == capacity { grow(count + 1) }
    base[count] = value
    count += 1
  }

  /// Appends `n` copies of `value`.
  @inline(__always)
  func append(repeating value: T, count n: Int) {
    reserve(n)
    (base + count).initialize(repeating: value, count: n)
    count += n
  }

  /// Drops values after the first `newCount` (a rejected row's partial values).
  func truncate(to newCount: Int) {
    precondition(newCount <= count)
    count = newCount
  }

  /// The values as raw bytes (for the cache writer).
  var rawBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count * MemoryLayout<T>.stride) }

  /// A column over the values; the buffer stays alive as the column's owner.
  func column(width: Int = 1) -> Column<T> {
    Column(values: UnsafeBufferPointer(start: base, count: count), width: width, owner: self)
  }
}

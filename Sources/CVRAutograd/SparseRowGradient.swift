// The gradient of an embedding table: only the rows a step touched, each row's
// contributions summed as they arrive, so duplicate ids are merged before any
// optimizer sees them and no work is proportional to the table size.

/// Gradient rows of a [rows, width] parameter, keyed by row index.
///
/// A slot map (one Int32 per table row, -1 when untouched) finds a row's
/// accumulator in O(1); `zero()` resets only the touched entries, so a step
/// costs O(touched rows · width) however large the table. Row storage grows by
/// doubling and is kept, so warm steps allocate nothing.
public final class SparseRowGradient {
  public let rows: Int
  public let width: Int
  // Internal-but-inlinable storage: the scatter in another module calls
  // `accumulator(forRow:)` once per id, and a cross-module call there costs more
  // than the row add itself.
  @usableFromInline let slotOfRow: UnsafeMutablePointer<Int32>
  @usableFromInline var touched: UnsafeMutablePointer<Int32>
  @usableFromInline var values: UnsafeMutablePointer<Float>
  @usableFromInline var capacity: Int
  @usableFromInline var touchedCount = 0
  /// Number of distinct rows touched since the last `zero()`.
  public var count: Int { touchedCount }

  public init(rows: Int, width: Int, initialCapacity: Int = 1024) {
    precondition(rows >= 0 && rows <= Int(Int32.max), "SparseRowGradient: \(rows) rows do not fit Int32 ids")
    self.rows = rows
    self.width = width
    slotOfRow = .allocate(capacity: max(1, rows))
    slotOfRow.initialize(repeating: -1, count: max(1, rows))
    capacity = max(1, initialCapacity)
    touched = .allocate(capacity: capacity)
    values = .allocate(capacity: capacity * width)
  }

  deinit {
    slotOfRow.deallocate()
    touched.deallocate()
    values.deallocate()
  }

  /// The accumulator of table row `row` (`width` floats), zeroed on its first touch.
  @inlinable
  public func accumulator(forRow row: Int) -> UnsafeMutablePointer<Float> {
    let slot = slotOfRow[row]
    if slot >= 0 { return values + Int(slot) * width }
    if touchedCount == capacity { grow() }
    slotOfRow[row] = Int32(truncatingIfNeeded: touchedCount)
    touched[touchedCount] = Int32(truncatingIfNeeded: row)
    let accumulator = values + touchedCount * width
    accumulator.initialize(repeating: 0, count: width)
    touchedCount += 1
    return accumulator
  }

  /// The table row held in `slot` (0 ..< count), in first-touch order.
  @inlinable public func row(atSlot slot: Int) -> Int { Int(touched[slot]) }

  /// The summed gradient of the row in `slot` (`width` floats).
  @inlinable public func values(atSlot slot: Int) -> UnsafeMutablePointer<Float> { values + slot * width }

  /// The gradient of table row `row`, or nil when the row was not touched.
  public func values(forRow row: Int) -> UnsafeMutablePointer<Float>? {
    let slot = slotOfRow[row]
    return slot >= 0 ? values + Int(slot) * width : nil
  }

  /// Forgets every touched row (O(touched)).
  public func zero() {
    for s in 0..<touchedCount { slotOfRow[Int(touched[s])] = -1 }
    touchedCount = 0
  }

  /// Σ g² over the touched rows, in Double (for global-norm clipping).
  public func squaredNorm() -> Double {
    var total: Double = 0
    for i in 0..<(count * width) { total += Double(values[i]) * Double(values[i]) }
    return total
  }

  /// g ← s · g over the touched rows.
  public func scale(by s: Float) {
    for i in 0..<(count * width) { values[i] *= s }
  }

  /// The gradient as a dense [rows, width] array (tests and small tables only).
  public func dense() -> [Float] {
    var out = [Float](repeating: 0, count: rows * width)
    for s in 0..<count {
      let r = row(atSlot: s)
      for j in 0..<width { out[r * width + j] = values[s * width + j] }
    }
    return out
  }

  @usableFromInline
  func grow() {
    let newCapacity = capacity * 2
    let newTouched = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
    newTouched.update(from: touched, count: count)
    let newValues = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * width)
    newValues.update(from: values, count: count * width)
    touched.deallocate()
    values.deallocate()
    touched = newTouched
    values = newValues
    capacity = newCapacity
  }
}

// Normalisation of dense columns, fitted on the training rows only (so nothing
// of the validation days leaks into the inputs) and applied into batch buffers.
import Foundation

/// Per dense column statistics and the rule that maps a raw value to a model input.
///
/// Rules (the column's `normalize`, default none):
/// - none: y = x
/// - log: y = log1p(max(x, 0))
/// - standard: y = (x − mean) / max(std, 1e-6), population std over the training rows
/// - minmax: y = (x − min) / (max − min), and y = 0 when max − min is 0
/// Statistics accumulate in Double; outputs are Float.
public struct DenseNormalizer: Codable, Equatable, Sendable {
  /// One dense column's rule and training statistics.
  public struct Entry: Codable, Equatable, Sendable {
    public let name: String
    public let mode: ColumnSpec.Normalization
    public let mean: Double
    public let std: Double
    public let min: Double
    public let max: Double
    /// y = (x − shift) · scale for standard and minmax (precomputed from the statistics).
    public let shift: Double
    public let scale: Double
  }

  /// Smallest standard deviation used as a divisor.
  public static let stdFloor = 1e-6

  /// The dense columns in schema order (the column order of `Batch.dense`).
  public let entries: [Entry]

  /// Fits every dense column of the schema on `rows` (the training rows).
  ///
  /// Throws `SplitError` when a dense column is missing from the store, or when
  /// a column needs statistics (standard, minmax) and `rows` is empty.
  public init(store: ColumnStore, rows: [Int32]) throws {
    var entries: [Entry] = []
    for spec in store.schema.columns(.dense) {
      guard let column = store.dense[spec.name] else {
        throw SplitError("dense column '\(spec.name)' is not in the store")
      }
      let mode = spec.normalize ?? .none
      if (mode == .standard || mode == .minmax) && rows.isEmpty {
        throw SplitError("cannot fit \(mode.rawValue) normalisation of '\(spec.name)' on zero training rows")
      }
      entries.append(DenseNormalizer.fit(name: spec.name, mode: mode, column: column, rows: rows))
    }
    self.entries = entries
  }

  /// A normaliser from given entries (tests, or statistics read from elsewhere).
  public init(entries: [Entry]) { self.entries = entries }

  private static func fit(name: String, mode: ColumnSpec.Normalization, column: Column<Float>, rows: [Int32]) -> Entry {
    var sum = 0.0, lowest = Double.infinity, highest = -Double.infinity
    for row in rows {
      let x = Double(column[Int(row)])
      sum += x
      lowest = Swift.min(lowest, x)
      highest = Swift.max(highest, x)
    }
    let n = Double(Swift.max(rows.count, 1))
    let mean = sum / n
    // Second pass around the mean: exact where sum of squares minus square of sums would cancel.
    var squares = 0.0
    for row in rows {
      let d = Double(column[Int(row)]) - mean
      squares += d * d
    }
    let std = (squares / n).squareRoot()
    if rows.isEmpty { lowest = 0; highest = 0 }
    let shift: Double, scale: Double
    switch mode {
    case .standard: (shift, scale) = (mean, 1 / Swift.max(std, stdFloor))
    case .minmax: (shift, scale) = (lowest, highest > lowest ? 1 / (highest - lowest) : 0)
    case .none, .log: (shift, scale) = (0, 1)
    }
    return Entry(name: name, mode: mode, mean: mean, std: std, min: lowest, max: highest, shift: shift, scale: scale)
  }

  /// The normalised value of raw `x` in dense column `index` (schema order of dense columns).
  @inline(__always)
  public func apply(_ x: Float, column index: Int) -> Float {
    let e = entries[index]
    switch e.mode {
    case .none: return x
    case .log: return Float(log1p(Double(Swift.max(x, 0))))
    case .standard, .minmax: return Float((Double(x) - e.shift) * e.scale)
    }
  }

  /// Writes the normalised values of dense column `index` for `rows` into
  /// `output[b · stride + index]`, b = 0 ..< rows.count (one column of a [B × stride] block).
  public func apply(
    column index: Int, of values: Column<Float>, rows: UnsafeBufferPointer<Int32>,
    into output: UnsafeMutablePointer<Float>, stride: Int
  ) {
    let e = entries[index]
    switch e.mode {
    case .none:
      for b in 0..<rows.count { output[b * stride + index] = values[Int(rows[b])] }
    case .log:
      for b in 0..<rows.count {
        output[b * stride + index] = Float(log1p(Double(Swift.max(values[Int(rows[b])], 0))))
      }
    case .standard, .minmax:
      let shift = e.shift, scale = e.scale
      for b in 0..<rows.count {
        output[b * stride + index] = Float((Double(values[Int(rows[b])]) - shift) * scale)
      }
    }
  }
}

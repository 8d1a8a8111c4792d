// Decoded columns of a data file, row-aligned: what the cache holds on disk and
// what splits and batches read. Each column is a typed view over memory owned
// by a buffer or a mapped cache file.

/// A read-only column of `T`, `width` values per row, kept alive by `owner`.
public struct Column<T>: @unchecked Sendable {
  public let values: UnsafeBufferPointer<T>
  /// Values per row: 1 for scalars, max_values or max_length for lists.
  public let width: Int
  /// Keeps the memory alive (an owned buffer or a mapped file).
  public let owner: AnyObject

  public init(values: UnsafeBufferPointer<T>, width: Int = 1, owner: AnyObject) {
    precondition(width >= 1 && values.count % width == 0, "Column: \(values.count) values do not fill rows of \(width)")
    self.values = values
    self.width = width
    self.owner = owner
  }

  public var rowCount: Int { values.count / width }

  /// The values of row `row` (`width` of them).
  @inline(__always)
  public func row(_ row: Int) -> UnsafeBufferPointer<T> {
    UnsafeBufferPointer(rebasing: values[(row * width)..<((row + 1) * width)])
  }

  @inline(__always) public subscript(row: Int) -> T { values[row * width] }
}

/// Owned memory for a column built in this process.
public final class ColumnBuffer<T> {
  public let storage: UnsafeMutableBufferPointer<T>
  public init(count: Int, repeating value: T) {
    storage = .allocate(capacity: count)
    storage.initialize(repeating: value)
  }
  deinit { storage.deallocate() }

  /// A column over this buffer.
  public func column(width: Int = 1) -> Column<T> {
    Column(values: UnsafeBufferPointer(storage), width: width, owner: self)
  }
}

/// Every column of a data file, decoded and row-aligned.
///
/// - sparse ids: Int32 table rows (already checked against vocab, or hashed);
/// - multi-valued and sequence ids: Int32 [rows × width], −1 in unused slots,
///   with the number of used slots per row in `lengths` (sequences keep their
///   order; the kept end is already applied);
/// - dense values: raw Float32 (normalisation is fitted per split, see `DenseNormalizer`);
/// - labels (click, conversion, action, delay) and truth: Float32;
/// - day: Int32 day index (dates become days since 1970-01-01);
/// - occasion: Int32 code into `occasionNames` (from the column or the calendar).
public struct ColumnStore: @unchecked Sendable {
  public let schema: DataSchema
  public let rowCount: Int
  public var ids: [String: Column<Int32>] = [:]
  public var lists: [String: Column<Int32>] = [:]
  public var lengths: [String: Column<Int32>] = [:]
  public var dense: [String: Column<Float>] = [:]
  public var labels: [String: Column<Float>] = [:]
  public var truth: [String: Column<Float>] = [:]
  public var days: Column<Int32>?
  public var occasions: Column<Int32>?
  public var occasionNames: [String] = []

  public init(schema: DataSchema, rowCount: Int) {
    self.schema = schema
    self.rowCount = rowCount
  }

  /// The click labels (every row clicked when the data has no click column: a click-space file).
  public var clicks: Column<Float>? { schema.columns(.click).first.flatMap { labels[$0.name] } }
  /// The conversion labels.
  public var conversions: Column<Float>? { schema.columns(.conversion).first.flatMap { labels[$0.name] } }
}

extension ColumnStore {
  /// The conversion labels (conversion > 0.5) of `rows`, in order.
  ///
  /// - Throws: `SplitError` when the schema has no conversion column.
  public func conversionLabels(rows: [Int32]) throws -> [Bool] {
    guard let conversions else { throw SplitError("the schema has no conversion column (role: conversion)") }
    return rows.map { conversions[Int($0)] > 0.5 }
  }
}

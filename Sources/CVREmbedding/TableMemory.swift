// The memory embedding tables will take, estimated from their shapes before
// any is allocated, and the limit above which a model is refused: a vocab
// typo such as 10^10 rows must be an error with the figure, not an abort.
import Foundation

/// Estimates and limits the memory of a model's embedding tables.
///
/// Estimate: for each table, vocab × dim values of 4 bytes, times 3 for the
/// optimizer: the values plus Adam's two moment buffers, which CVROptim
/// allocates over the whole table (the largest state of its optimizers; SGD
/// with momentum and Adagrad keep one buffer, so the estimate is an upper bound).
/// Sparse gradients (touched rows only) and batch buffers are not counted.
///
/// Limit: `CVR_TABLE_MEMORY_LIMIT` in the environment (bytes, with an optional
/// K, M, G or T suffix in powers of 1024, or `off` for none); by default half
/// of the machine's physical memory, leaving room for the data, the rest of
/// the model and the system.
public enum TableMemory {
  public static let bytesPerValue = 4
  /// Copies of every table: its values and two optimizer moments.
  public static let copies = 3
  public static let environmentKey = "CVR_TABLE_MEMORY_LIMIT"
  public static let defaultFraction = 0.5

  /// One table's shape.
  public struct Table: Sendable, Equatable {
    public let name: String
    public let vocab: Int
    public let dim: Int
    public init(name: String, vocab: Int, dim: Int) {
      self.name = name
      self.vocab = vocab
      self.dim = dim
    }
  }

  /// Bytes of the tables with optimizer state (Int.max when the product overflows).
  public static func estimate(_ tables: [Table]) -> Int {
    var total = 0
    for t in tables {
      let (values, o1) = t.vocab.multipliedReportingOverflow(by: t.dim)
      let (bytes, o2) = values.multipliedReportingOverflow(by: bytesPerValue * copies)
      let (sum, o3) = total.addingReportingOverflow(bytes)
      if o1 || o2 || o3 { return Int.max }
      total = sum
    }
    return total
  }

  /// The limit in bytes (nil: no limit), from the environment or the default.
  public static func limit(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int? {
    guard let text = environment[environmentKey]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
      return Int(Double(ProcessInfo.processInfo.physicalMemory) * defaultFraction)
    }
    if text.lowercased() == "off" { return nil }
    guard let bytes = parseBytes(text) else {
      throw TableMemoryError.badLimit(text: text)
    }
    return bytes
  }

  /// Throws `.tooLarge` when the estimate of `tables` is above the limit.
  public static func check(_ tables: [Table], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
    guard let limit = try limit(environment: environment) else { return }
    let bytes = estimate(tables)
    guard bytes > limit else { return }
    let largest = tables.max { estimate([$0]) < estimate([$1]) }!
    throw TableMemoryError.tooLarge(bytes: bytes, limit: limit, largest: largest, largestBytes: estimate([largest]))
  }

  /// "512", "64K", "1.5G", "2TiB", "8GB" (binary multiples) as bytes.
  static func parseBytes(_ text: String) -> Int? {
    let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024, "T": 1024 * 1024 * 1024 * 1024]
    var number = text.uppercased()
    var scale = 1.0
    for suffix in ["IB", "B"] where number.hasSuffix(suffix) {
      let stem = String(number.dropLast(suffix.count))
      if let unit = stem.last, units[unit] != nil { number = stem; break }
    }
    if let last = number.last, let unit = units[last] {
      scale = unit
      number.removeLast()
    }
    guard let value = Double(number), value.isFinite, value >= 0, value * scale < 9e18 else { return nil }
    return Int(value * scale)
  }

  /// Bytes as "1.5 GiB".
  public static func describe(_ bytes: Int) -> String {
    if bytes == Int.max { return "more than 8 EiB" }
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
  }
}

/// Embedding tables that would not fit, or an unreadable limit.
public enum TableMemoryError: Error, Equatable, CustomStringConvertible {
  case tooLarge(bytes: Int, limit: Int, largest: TableMemory.Table, largestBytes: Int)
  case badLimit(text: String)

  public var description: String {
    switch self {
    case .tooLarge(let bytes, let limit, let largest, let largestBytes):
      return "the embedding tables need about \(TableMemory.describe(bytes)) (values and Adam's two moments, "
        + "4-byte floats), above the limit of \(TableMemory.describe(limit)); the largest is '\(largest.name)' "
        + "(\(largest.vocab) rows × \(largest.dim) = \(TableMemory.describe(largestBytes))). Lower its vocab, "
        + "hash_buckets or dim, or set \(TableMemory.environmentKey) (bytes, e.g. 64G, or off)"
    case .badLimit(let text):
      return "\(TableMemory.environmentKey)='\(text)' is not a size: give bytes with an optional K, M, G or T suffix, or off"
    }
  }
}

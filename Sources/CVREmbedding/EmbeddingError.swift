// The data errors of embedding lookups and the checks that raise them, run once
// where a batch of ids is assembled (lookups themselves trap on the same errors).
import CVRAutograd

/// A batch of ids a table cannot read.
public enum EmbeddingError: Error, Equatable, CustomStringConvertible, Sendable {
  /// `id` at flat index `position` of the batch is outside 0 ..< vocab of a `.strict` table
  /// (position −1 when unknown).
  case idOutOfRange(table: String, id: Int64, vocab: Int, position: Int)
  /// The length of bag `bag` is outside 0 ... maxValues in a pooled lookup.
  case lengthOutOfRange(table: String, length: Int32, maxValues: Int, bag: Int)

  public var description: String {
    switch self {
    case .idOutOfRange(let table, let id, let vocab, let position):
      let at = position >= 0 ? " at position \(position)" : ""
      return "embedding table \"\(table)\": id \(id)\(at) is outside 0..<\(vocab) (vocab \(vocab)); "
        + "use idPolicy .hashed to map out-of-range ids into the table"
    case .lengthOutOfRange(let table, let length, let maxValues, let bag):
      return "embedding table \"\(table)\": bag \(bag) has length \(length), outside 0...\(maxValues)"
    }
  }
}

extension EmbeddingTable {
  /// Throws `.idOutOfRange` for the first id a `.strict` table cannot read. The
  /// padding id and, for a `.hashed` table, every id are accepted.
  public func validate(_ ids: UnsafeBufferPointer<Int32>) throws(EmbeddingError) {
    guard idPolicy == .strict else { return }
    for (position, id) in ids.enumerated() where (id < 0 || Int(id) >= vocab) && id != paddingId {
      throw .idOutOfRange(table: name, id: Int64(id), vocab: vocab, position: position)
    }
  }

  /// As `validate(_:)` for raw 64-bit ids.
  public func validate(rawIds ids: UnsafeBufferPointer<Int64>) throws(EmbeddingError) {
    guard idPolicy == .strict else { return }
    for (position, id) in ids.enumerated() where (id < 0 || id >= Int64(vocab)) && id != paddingId.map(Int64.init) {
      throw .idOutOfRange(table: name, id: id, vocab: vocab, position: position)
    }
  }

  public func validate(_ ids: [Int32]) throws(EmbeddingError) {
    try ids.withUnsafeBufferPointer { (buffer) throws(EmbeddingError) in try validate(buffer) }
  }

  public func validate(rawIds ids: [Int64]) throws(EmbeddingError) {
    try ids.withUnsafeBufferPointer { (buffer) throws(EmbeddingError) in try validate(rawIds: buffer) }
  }

  /// Throws `.lengthOutOfRange` for the first bag length outside 0 ... maxValues.
  public func validate(lengths: [Int32], maxValues: Int) throws(EmbeddingError) {
    for (bag, length) in lengths.enumerated() where length < 0 || Int(length) > maxValues {
      throw .lengthOutOfRange(table: name, length: length, maxValues: maxValues, bag: bag)
    }
  }
}

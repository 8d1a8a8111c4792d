// Several tables read at the same positions and joined along the feature axis:
// MetaCVR's item vector [id; category; brand], used for the target item and for
// every position of the behaviour sequence with the same (shared) tables.
import CVRAutograd

/// k tables looked up with k parallel id tensors, the rows concatenated per position.
///
/// ```
/// let item = ConcatenatedEmbedding([itemIds, categories, brands])   // 32 + 32 + 32
/// let target = item.lookup([targetId, targetCategory, targetBrand], batch: 256, positions: 1, tape)
/// let history = item.lookup([seqIds, seqCategories, seqBrands], batch: 256, positions: 50, tape)
/// ```
/// Both calls read (and send gradients to) the same three tables. Composes
/// `EmbeddingTable.lookup` and `Tape.concat`.
public struct ConcatenatedEmbedding {
  public let tables: [EmbeddingTable]

  public init(_ tables: [EmbeddingTable]) {
    precondition(!tables.isEmpty, "ConcatenatedEmbedding: no tables")
    self.tables = tables
  }

  /// Σ dim of the tables: the width of one position.
  public var dim: Int { tables.reduce(0) { $0 + $1.dim } }

  /// out[b, p, :] = [E_1[ids_1[b, p]]; …; E_k[ids_k[b, p]]].
  ///
  /// Shapes: ids[i] [batch, positions] for table i; out [batch, positions, Σ dim_i].
  public func lookup(_ ids: [UnsafeBufferPointer<Int32>], batch: Int, positions: Int, _ tape: Tape) -> Tensor {
    precondition(ids.count == tables.count, "ConcatenatedEmbedding: \(ids.count) id columns for \(tables.count) tables")
    var parts: [Tensor] = []
    parts.reserveCapacity(tables.count)
    for (table, column) in zip(tables, ids) { parts.append(table.lookup(column, batch: batch, fields: positions, tape)) }
    return parts.count == 1 ? parts[0] : tape.concat(parts)
  }

  public func lookup(_ ids: [[Int32]], batch: Int, positions: Int, _ tape: Tape) -> Tensor {
    precondition(ids.count == tables.count, "ConcatenatedEmbedding: \(ids.count) id columns for \(tables.count) tables")
    var parts: [Tensor] = []
    parts.reserveCapacity(tables.count)
    for (table, column) in zip(tables, ids) { parts.append(table.lookup(column, batch: batch, fields: positions, tape)) }
    return parts.count == 1 ? parts[0] : tape.concat(parts)
  }

  /// The key mask of a sequence from the ids of the first table (the item id):
  /// 1 where it is not that table's padding id.
  public func keyMask(_ firstIds: [Int32], batch: Int, seqLen: Int, _ tape: Tape) -> Tensor {
    tables[0].keyMask(firstIds, batch: batch, seqLen: seqLen, tape)
  }
}

// Which batch columns feed which of MetaCVR's feature blocks (user, item,
// interaction, context, behaviour sequence), read once from the schema.
import CVRData
import CVREmbedding

/// The embedding layout of a schema (MetaCVR §2.2: e_u, e_i, e_ui, e_c, e_seq).
///
/// Every feature column (sparse, dense, multi-valued, sequence) lands in exactly
/// one block, so nothing the user declared is silently ignored: a feature
/// column without a `group` is an error. Columns naming the same `table` share
/// one embedding table (the paper's shared embedding layer: the target item and
/// the behaviour sequence read the same item, category and brand tables).
public struct FeaturePlan: Codable, Equatable, Sendable {
  /// One embedding table: its rows and width.
  public struct Table: Codable, Equatable, Sendable {
    public let name: String
    public let vocab: Int
    public let dim: Int
  }

  /// A single-valued sparse column: column `column` of `Batch.sparse`.
  public struct SparseField: Codable, Equatable, Sendable {
    public let name: String
    public let column: Int
    public let table: String
  }

  /// A dense column: column `column` of `Batch.dense`.
  public struct DenseField: Codable, Equatable, Sendable {
    public let name: String
    public let column: Int
  }

  /// A multi-valued column, pooled into one vector: block `index` of `Batch.multi`.
  public struct MultiField: Codable, Equatable, Sendable {
    public let name: String
    public let index: Int
    public let table: String
    public let mean: Bool
  }

  /// The columns of one block, in schema order: sparse embeddings, pooled
  /// multi-valued embeddings, then the dense values.
  public struct Block: Codable, Equatable, Sendable {
    public var sparse: [SparseField] = []
    public var multi: [MultiField] = []
    public var dense: [DenseField] = []
    /// Width of the block's vector.
    public var dim = 0
    public var isEmpty: Bool { dim == 0 }
  }

  /// One position of the behaviour sequence: the aligned sequence columns
  /// (`Batch.sequences[index]`), their embeddings concatenated per position.
  public struct Sequence: Codable, Equatable, Sendable {
    public var columns: [SparseField]
    /// Positions (the sequence's max_length).
    public var length: Int
    /// Width of one position's vector (sum of the tables' dims).
    public var dim: Int
  }

  public var tables: [Table]
  public var user = Block()
  public var item = Block()
  public var interaction = Block()
  public var context = Block()
  public var sequence: Sequence?
  /// Occasion names, from the schema (or the calendar it names); empty without occasions.
  public var occasions: [String]

  /// Reads the plan from `schema`.
  ///
  /// Throws `ModelError.schema` when a feature column has no group, a table
  /// lacks a vocab or dim, two columns give one table different sizes, or the
  /// schema has more than one behaviour sequence (aligned sequences count as one),
  /// or the tables' estimated memory is above `TableMemory`'s limit.
  public init(schema: DataSchema) throws {
    let layout = BatchLayout(schema: schema)
    var tables: [String: Table] = [:]
    var tableOrder: [String] = []
    func table(for spec: ColumnSpec) throws -> String {
      guard let rows = spec.tableRows, let dim = spec.dim, rows > 0, dim > 0 else {
        throw ModelError.schema("column \(spec.name): an embedded column needs vocab (or hash_buckets) and dim")
      }
      let name = spec.tableName
      if let known = tables[name] {
        guard known.vocab == rows && known.dim == dim else {
          throw ModelError.schema(
            "column \(spec.name): table \(name) is [\(known.vocab), \(known.dim)] elsewhere, [\(rows), \(dim)] here")
        }
      } else {
        tables[name] = Table(name: name, vocab: rows, dim: dim)
        tableOrder.append(name)
      }
      return name
    }
    func group(_ spec: ColumnSpec) throws -> ColumnSpec.Group {
      guard let group = spec.group else {
        throw ModelError.schema(
          "column \(spec.name): give it a group (user, item, context or interaction) so the model knows which block it feeds")
      }
      return group
    }
    var blocks: [ColumnSpec.Group: Block] = [.user: Block(), .item: Block(), .interaction: Block(), .context: Block()]
    var sequenceColumns: [SparseField] = []
    var sequenceLength = 0
    var primary: String?
    for spec in schema.columns {
      switch spec.role {
      case .sparse:
        let name = try table(for: spec)
        let g = try group(spec)
        blocks[g]!.sparse.append(SparseField(name: spec.name, column: layout.sparse.firstIndex(of: spec.name)!, table: name))
        blocks[g]!.dim += tables[name]!.dim
      case .multi:
        let name = try table(for: spec)
        let g = try group(spec)
        let index = layout.multi.firstIndex { $0.name == spec.name }!
        blocks[g]!.multi.append(MultiField(name: spec.name, index: index, table: name, mean: spec.pooling == .mean))
        blocks[g]!.dim += tables[name]!.dim
      case .dense:
        let g = try group(spec)
        blocks[g]!.dense.append(DenseField(name: spec.name, column: layout.dense.firstIndex(of: spec.name)!))
        blocks[g]!.dim += 1
      case .sequence:
        let name = try table(for: spec)
        let root = spec.alignWith ?? spec.name
        if let primary, primary != root {
          throw ModelError.schema(
            "column \(spec.name): MetaCVR reads one behaviour sequence, and \(primary) is already one (align further sequences with align_with: \(primary))")
        }
        primary = root
        let index = layout.sequences.firstIndex { $0.name == spec.name }!
        sequenceColumns.append(SparseField(name: spec.name, column: index, table: name))
        sequenceLength = max(sequenceLength, spec.maxLength ?? 1)
      default:
        continue
      }
    }
    self.tables = tableOrder.map { tables[$0]! }
    // Before any table is allocated: a table that cannot fit is an error with the figure, not an abort.
    do {
      try TableMemory.check(self.tables.map { TableMemory.Table(name: $0.name, vocab: $0.vocab, dim: $0.dim) })
    } catch let error as TableMemoryError {
      throw ModelError.schema(error.description)
    }
    user = blocks[.user]!
    item = blocks[.item]!
    interaction = blocks[.interaction]!
    context = blocks[.context]!
    if !sequenceColumns.isEmpty {
      let dim = sequenceColumns.reduce(0) { $0 + tables[$1.table]!.dim }
      sequence = Sequence(columns: sequenceColumns, length: sequenceLength, dim: dim)
    }
    occasions = schema.occasions ?? []
  }

  /// The table named `name`.
  public func table(_ name: String) -> Table? { tables.first { $0.name == name } }
}

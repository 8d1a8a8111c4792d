// Which columns a batch carries and in what order, read from the schema once,
// so every batch of a run has the same buffers in the same places.

/// A multi-valued or sequence feature in a batch: its name and slots per row.
public struct ListField: Equatable, Sendable {
  public let name: String
  /// max_values (multi) or max_length (sequence).
  public let width: Int
}

/// The columns of a batch, in schema order within each role.
public struct BatchLayout: Equatable, Sendable {
  /// Sparse columns: column f of `Batch.sparse`.
  public let sparse: [String]
  /// Dense columns: column f of `Batch.dense` (the order of `DenseNormalizer.entries`).
  public let dense: [String]
  public let multi: [ListField]
  public let sequences: [ListField]
  /// Truth columns: `Batch.truth[t]`.
  public let truth: [String]
  /// Label columns, nil when the data has none (click: every row counts as clicked;
  /// conversion, action, delay: 0).
  public let click: String?
  public let conversion: String?
  /// The first action column.
  public let action: String?
  public let delay: String?

  public init(schema: DataSchema) {
    sparse = schema.columns(.sparse).map(\.name)
    dense = schema.columns(.dense).map(\.name)
    multi = schema.columns(.multi).map { ListField(name: $0.name, width: $0.maxValues ?? 1) }
    sequences = schema.columns(.sequence).map { ListField(name: $0.name, width: $0.maxLength ?? 1) }
    truth = schema.columns(.truth).map(\.name)
    click = schema.columns(.click).first?.name
    conversion = schema.columns(.conversion).first?.name
    action = schema.columns(.action).first?.name
    delay = schema.columns(.delay).first?.name
  }
}

/// A batch that cannot be assembled from this store, and why.
public struct BatchError: Error, Equatable, CustomStringConvertible {
  public let problem: String
  public init(_ problem: String) { self.problem = problem }
  public var description: String { "batches: \(problem)" }
}

// Rows that arrive field by field instead of as a file (a scoring server's
// request) decoded by the same column decoders, so a value means exactly what
// it means in a data file: the same vocab check or hashing, list splitting,
// decimal rules and aligned-sequence check.
import CVRData

/// Why one field of a row could not be decoded: the column's name and the
/// decoder's own reason (the same words a data file's error gives).
public struct RowFieldError: Error, Equatable, Sendable {
  public let column: String
  public let reason: String
}

/// Decodes rows of a schema's input columns given as raw field text.
///
/// The inputs are the feature columns (sparse, dense, multi, sequence) in
/// schema order, and the occasion column when the schema fixes the occasion
/// names (`occasions:`; otherwise codes would depend on arrival order). Labels,
/// days and truth are not inputs: a batch without them scores the same.
///
/// The buffers are reused across `removeAll()`, so a worker that decodes a
/// batch, scores it and clears allocates only when a batch is larger than any
/// before it. A `store()` is a view: valid until the next `append` or `removeAll`.
public final class FieldRowsDecoder {
  /// The schema of the decoded store: the input columns only.
  public let schema: DataSchema
  /// The input columns, in the order `appendRow` asks for their fields.
  public var inputs: [ColumnSpec] { schema.columns }
  public private(set) var rowCount = 0
  private let decoders: [IngestColumnDecoder]
  private let aligned: [(Int, Int)]
  private let occasionIndex: Int?
  private let occasionCoder: OccasionCoder?
  private let occasionCodes: GrowableBuffer<Int32>?

  /// - Parameter source: the model's schema; its input columns are kept.
  public init(inputsOf source: DataSchema, expectedRows: Int = 256) {
    let keepOccasion = source.occasions != nil
    let columns = source.columns.filter { $0.isFeature || ($0.role == .occasion && keepOccasion) }
    schema = DataSchema(delimiter: source.delimiter, header: source.header, columns: columns,
                        occasions: source.occasions)
    decoders = columns.map { IngestColumnDecoder($0, expectedRows: expectedRows) }
    aligned = IngestColumnDecoder.alignedPairs(columns)
    occasionIndex = columns.firstIndex { $0.role == .occasion }
    occasionCoder = occasionIndex.map { _ in OccasionCoder(fixed: source.occasions) }
    occasionCodes = occasionIndex.map { _ in GrowableBuffer<Int32>(initialCapacity: expectedRows) }
  }

  /// Decodes one row: `field(k)` is the raw text of input column k (the bytes a
  /// CSV field would hold, without quotes). A bad field leaves no trace of the row.
  public func appendRow(_ field: (Int) -> UnsafeBufferPointer<UInt8>) throws(RowFieldError) {
    for k in decoders.indices {
      let bytes = field(k)
      let p = bytes.baseAddress ?? Self.emptyField
      do {
        if k == occasionIndex {
          occasionCodes.unsafelyUnwrapped.append(try occasionCoder.unsafelyUnwrapped.code(p, bytes.count))
        } else {
          try decoders[k].decode(p, bytes.count)
        }
      } catch {
        undo()
        throw RowFieldError(column: decoders[k].spec.name, reason: error.reason)
      }
    }
    if let (i, reason) = IngestColumnDecoder.alignmentFailure(decoders, aligned) {
      undo()
      throw RowFieldError(column: decoders[i].spec.name, reason: reason)
    }
    rowCount += 1
  }

  /// Drops rows after the first `rows` (a request whose later row failed).
  public func truncate(rows: Int) {
    precondition(rows <= rowCount, "FieldRowsDecoder.truncate: \(rows) > \(rowCount) rows")
    rowCount = rows
    undo()
  }

  /// Forgets every row and keeps the buffers.
  public func removeAll() { truncate(rows: 0) }

  /// The decoded rows as a store (views into this decoder's buffers).
  public func store() -> ColumnStore {
    var store = ColumnStore(schema: schema, rowCount: rowCount)
    for decoder in decoders {
      let name = decoder.spec.name
      switch decoder.role {
      case .sparse: store.ids[name] = decoder.ints!.column()
      case .multi, .sequence:
        store.lists[name] = decoder.ints!.column(width: decoder.width)
        store.lengths[name] = decoder.lengths!.column()
      case .dense: store.dense[name] = decoder.floats!.column()
      default: break
      }
    }
    store.occasions = occasionCodes?.column()
    store.occasionNames = schema.occasions ?? []
    return store
  }

  private func undo() {
    for decoder in decoders { decoder.truncate(rows: rowCount) }
    occasionCodes?.truncate(to: rowCount)
  }

  /// Where an empty field points (decoders read no byte of it).
  nonisolated(unsafe) private static let emptyField = UnsafePointer(UnsafeMutablePointer<UInt8>.allocate(capacity: 1))
}

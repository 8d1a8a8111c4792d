// The dense feature matrix the XGBoost baseline reads: each non-sequence sparse
// id as a number (optionally its smoothed conversion rate), the normalised
// dense values and the occasion code.
import CVRData

/// The recipe that turns rows into XGBoost's dense [rows × count] matrix; saved
/// next to the model file so `cvr predict` builds the same columns.
///
/// Why this shape: the paper's XGBoost baseline sees the same features as the
/// networks except the behaviour sequence (§3.1.2). Trees cannot embed ids, so a
/// sparse id enters as its integer value: meaningful splits for small ordinal or
/// low-cardinality fields (hour, position, age, city level), nearly arbitrary ones
/// for large vocabularies (user, item). With `targetEncoded`, each sparse column
/// also gets its id's smoothed training conversion rate
/// (c_id + m·p̄) / (n_id + m) (m = `smoothing`, p̄ the overall rate), fitted on the
/// training rows only: that is what makes a large vocabulary usable by trees.
/// (It includes each training row's own label, a mild optimism the smoothing
/// limits; unseen ids get p̄.) Dense values are the same normalised inputs the
/// networks read; the occasion code lets trees split per occasion.
public struct XGBoostFeatures: Codable, Equatable, Sendable {
  /// Sparse columns used (layout order) and their column in `Batch.sparse`.
  public var sparse: [Column]
  /// Dense columns used and their column in `Batch.dense`.
  public var dense: [Column]
  public var includeOccasion: Bool
  /// Per sparse column (same order as `sparse`), the smoothed conversion rate of each id; nil: off.
  public var targetEncoding: [[Float]]?
  public var smoothing: Double
  public var prior: Double
  /// One name per matrix column, in order.
  public var names: [String]

  public struct Column: Codable, Equatable, Sendable {
    public var name: String
    public var index: Int
  }

  public var count: Int { names.count }

  /// The recipe for `assembler`'s layout; with `targetEncode`, fits the encodings on `trainRows`.
  public init(assembler: BatchAssembler, trainRows: [Int32], targetEncode: Bool = true, smoothing: Double = 20) throws {
    let layout = assembler.layout, store = assembler.store
    sparse = layout.sparse.enumerated().map { Column(name: $1, index: $0) }
    dense = layout.dense.enumerated().map { Column(name: $1, index: $0) }
    includeOccasion = store.occasions != nil
    self.smoothing = smoothing
    var names = sparse.map(\.name) + dense.map(\.name)
    if includeOccasion { names.append("occasion") }
    prior = 0
    targetEncoding = nil
    if targetEncode {
      let labels = try SplitMetrics.labels(store, rows: trainRows)
      let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
      prior = trainRows.isEmpty ? 0 : Double(positives) / Double(trainRows.count)
      var tables: [[Float]] = []
      for column in sparse {
        guard let ids = store.ids[column.name] else { throw TrainingError.data("sparse column \(column.name) is not in the store") }
        let vocab = store.schema.column(column.name)?.tableRows ?? 0
        var n = [Double](repeating: 0, count: max(vocab, 1)), c = n
        for (row, label) in zip(trainRows, labels) {
          let id = Int(ids[Int(row)])
          guard id >= 0 && id < n.count else { continue }
          n[id] += 1
          if label { c[id] += 1 }
        }
        let base = smoothing * prior
        tables.append(zip(c, n).map { Float(($0 + base) / ($1 + smoothing)) })
        names.append(column.name + ".cvr")
      }
      targetEncoding = tables
    }
    self.names = names
  }

  /// Row-major [rows.count × count] features of `rows`, filled batch by batch.
  public func matrix(assembler: BatchAssembler, rows: [Int32], chunk: Int = 4096) -> [Float] {
    let width = count
    var out = [Float](repeating: 0, count: rows.count * width)
    let batch = assembler.makeBatch(capacity: chunk)
    let sparseWidth = assembler.layout.sparse.count, denseWidth = assembler.layout.dense.count
    rows.withUnsafeBufferPointer { all in
      out.withUnsafeMutableBufferPointer { target in
        var start = 0
        while start < all.count {
          let end = min(start + chunk, all.count)
          assembler.fill(batch, rows: UnsafeBufferPointer(rebasing: all[start..<end]))
          for b in 0..<batch.count {
            let row = target.baseAddress! + (start + b) * width
            var j = 0
            for column in sparse {
              row[j] = Float(batch.sparse[b * sparseWidth + column.index])
              j += 1
            }
            for column in dense {
              row[j] = batch.dense[b * denseWidth + column.index]
              j += 1
            }
            if includeOccasion {
              row[j] = Float(batch.occasions[b])
              j += 1
            }
            if let targetEncoding {
              for (k, column) in sparse.enumerated() {
                let id = Int(batch.sparse[b * sparseWidth + column.index])
                let table = targetEncoding[k]
                row[j] = id >= 0 && id < table.count ? table[id] : Float(prior)
                j += 1
              }
            }
          }
          start = end
        }
      }
    }
    return out
  }
}

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
/// for large vocabularies (user, item). With target encoding, each sparse column
/// also gets its id's smoothed conversion rate (c_id + m·p̄) / (n_id + m)
/// (m = `smoothing`, p̄ the overall rate; unseen ids get p̄), which is what makes
/// a large vocabulary usable by trees. The training matrix uses out-of-fold
/// rates (`folds` folds by row index: a row's rate never counts its own label,
/// else trees learn the leak); prediction uses the rates of all training rows.
/// Off by default: on the demo world (seed 1, D_v AUC) raw ids give 0.693,
/// out-of-fold rates 0.667, in-fold rates 0.578 — the drifting world makes
/// per-user rates from weeks ago more noise than signal. Dense values are the networks' normalised inputs. The
/// occasion code is a column only when asked for (`includeOccasion`): the networks do not see the occasion, so
/// the baseline "given the same features" does not either; "XGBoost+occasion" is the named variant that does.
public struct XGBoostFeatures: Codable, Equatable, Sendable {
  /// Sparse columns used (layout order) and their column in `Batch.sparse`.
  public var sparse: [Column]
  /// Dense columns used and their column in `Batch.dense`.
  public var dense: [Column]
  /// Whether the occasion code is the matrix's last column (needs occasions in the store).
  public var includeOccasion: Bool
  /// Per sparse column (same order as `sparse`), the smoothed conversion rate of each id; nil: off.
  public var targetEncoding: [[Float]]?
  public var smoothing: Double
  public var prior: Double
  /// Folds of the out-of-fold training encoding.
  public var folds: Int
  /// One name per matrix column, in order.
  public var names: [String]

  public struct Column: Codable, Equatable, Sendable {
    public var name: String
    public var index: Int
  }

  /// Out-of-fold rates of the training rows (not saved: only the training matrix reads them).
  private var outOfFold: [[Float]]? = nil
  private var trainRows: [Int32] = []

  enum CodingKeys: String, CodingKey {
    case sparse, dense, includeOccasion, targetEncoding, smoothing, prior, folds, names
  }

  public var count: Int { names.count }

  /// The recipe for `assembler`'s layout; with `targetEncode`, fits the encodings on `trainRows`.
  public init(assembler: BatchAssembler, trainRows: [Int32], targetEncode: Bool = false, smoothing: Double = 20,
              folds: Int = 5, includeOccasion: Bool = false) throws {
    let layout = assembler.layout, store = assembler.store
    sparse = layout.sparse.enumerated().map { Column(name: $1, index: $0) }
    dense = layout.dense.enumerated().map { Column(name: $1, index: $0) }
    if includeOccasion && store.occasions == nil {
      throw XGBoostError.data("XGBoost+occasion: the data has no occasion (no occasion column or calendar in the schema)")
    }
    self.includeOccasion = includeOccasion
    self.smoothing = smoothing
    self.folds = max(folds, 2)
    var names = sparse.map(\.name) + dense.map(\.name)
    if includeOccasion { names.append("occasion") }
    prior = 0
    targetEncoding = nil
    if targetEncode {
      let labels = try store.conversionLabels(rows: trainRows)
      let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
      let prior = trainRows.isEmpty ? 0 : Double(positives) / Double(trainRows.count)
      let k = self.folds
      var tables: [[Float]] = [], outOfFold: [[Float]] = []
      for column in sparse {
        guard let ids = store.ids[column.name] else { throw XGBoostError.data("sparse column \(column.name) is not in the store") }
        let vocab = max(store.schema.column(column.name)?.tableRows ?? 0, 1)
        // n[f·vocab + id], c[…]: rows and conversions of each id in fold f.
        var n = [Double](repeating: 0, count: k * vocab), c = n
        for (row, label) in zip(trainRows, labels) {
          let id = Int(ids[Int(row)])
          guard id >= 0 && id < vocab else { continue }
          let f = Int(row) % k
          n[f * vocab + id] += 1
          if label { c[f * vocab + id] += 1 }
        }
        var totalN = [Double](repeating: 0, count: vocab), totalC = totalN
        for f in 0..<k {
          for id in 0..<vocab {
            totalN[id] += n[f * vocab + id]
            totalC[id] += c[f * vocab + id]
          }
        }
        let base = smoothing * prior
        tables.append((0..<vocab).map { Float((totalC[$0] + base) / (totalN[$0] + smoothing)) })
        outOfFold.append(trainRows.map { row in
          let id = Int(ids[Int(row)])
          guard id >= 0 && id < vocab else { return Float(prior) }
          let f = Int(row) % k
          let rest = (totalC[id] - c[f * vocab + id] + base) / (totalN[id] - n[f * vocab + id] + smoothing)
          return Float(rest)
        })
        names.append(column.name + ".cvr")
      }
      self.prior = prior
      targetEncoding = tables
      self.outOfFold = outOfFold
    }
    self.trainRows = trainRows
    self.names = names
  }

  /// The training matrix: `matrix(rows: trainRows)` with out-of-fold rates.
  public func trainingMatrix(assembler: BatchAssembler) -> [Float] {
    matrix(assembler: assembler, rows: trainRows, outOfFold: outOfFold)
  }

  /// Row-major [rows.count × count] features of `rows` (rates from every training row).
  public func matrix(assembler: BatchAssembler, rows: [Int32]) -> [Float] {
    matrix(assembler: assembler, rows: rows, outOfFold: nil)
  }

  private func matrix(assembler: BatchAssembler, rows: [Int32], outOfFold: [[Float]]?, chunk: Int = 4096) -> [Float] {
    let width = count
    var out = [Float](repeating: 0, count: rows.count * width)
    let batch = assembler.makeBatch(capacity: chunk)
    let sparseWidth = assembler.layout.sparse.count, denseWidth = assembler.layout.dense.count
    out.withUnsafeMutableBufferPointer { target in
      assembler.forEachChunk(of: rows, in: batch) { batch, start in
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
              if let outOfFold {
                row[j] = outOfFold[k][start + b]
              } else {
                let id = Int(batch.sparse[b * sparseWidth + column.index])
                let table = targetEncoding[k]
                row[j] = id >= 0 && id < table.count ? table[id] : Float(prior)
              }
              j += 1
            }
          }
        }
      }
    }
    return out
  }
}

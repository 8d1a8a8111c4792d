// The leakage screen: on a seeded sample, how well each feature column alone
// ranks each label. A feature that ranks a label almost perfectly is nearly
// always the label itself in disguise (a near-copy, a hashed copy, a column
// filled in after the fact), so ingestion stops before a model trains on it.
import CVRCore
import CVRData
import CVRMetrics

/// Single-column AUC screening of features against labels.
///
/// Rules:
/// - The sample is up to `sampleSize` rows chosen with a fixed seed (the same
///   file gives the same sample, so the screen's verdict is reproducible),
///   split at random into two halves A and B.
/// - Labels screened: click, conversion and action columns (0/1), each over all
///   sampled rows. A label with fewer than `minimumClass` positives or
///   negatives in the scored rows is not screened (its AUC would be noise).
/// - Dense feature: its value is the score, over the whole sample; the figure
///   is max(AUC, 1 − AUC), since a value that falls as the label rises leaks too.
/// - Sparse feature: the score of a row in B is the mean label of its id in A
///   (A's overall mean for an id not seen in A); the figure is the AUC on B.
///   Scoring out of sample keeps an id column of unique values (user ids,
///   request ids) from looking perfect: its B ids are all unseen.
/// - Multi-valued and sequence columns are not screened.
/// - A figure ≥ `threshold` stops ingestion naming the feature, the label and
///   the figure, unless the schema lists the feature under `allow_leakage`.
enum LeakageScreen {
  static let threshold = 0.99
  static let sampleSize = 100_000
  static let minimumClass = 20
  static let seed: UInt64 = 0x1EA4_A9E5_C4EE_0011

  /// One feature's figure against one label.
  struct Finding: Equatable {
    let feature: String
    let label: String
    let auc: Double
    let rows: Int
  }

  static func check(_ store: ColumnStore, file: String) throws {
    let allowed = Set(store.schema.allowLeakage ?? [])
    for finding in screen(store) where finding.auc >= threshold && !allowed.contains(finding.feature) {
      let index = store.schema.columns.firstIndex { $0.name == finding.feature }
      throw DataError(
        file: file, line: 0, column: finding.feature, fieldIndex: index,
        reason: "feature '\(finding.feature)' alone predicts label '\(finding.label)' almost perfectly "
          + "(AUC \(format(finding.auc)) on \(finding.rows) sampled rows; the limit is \(threshold)): "
          + "this is label leakage. Remove the column, give it role ignore, or list it under allow_leakage in the schema "
          + "if it is legitimately that predictive")
    }
  }

  /// The figure of every screened (feature, label) pair, in schema order.
  static func screen(_ store: ColumnStore) -> [Finding] {
    let labelRoles: [ColumnSpec.Role] = [.click, .conversion, .action]
    let labels = store.schema.columns.filter { labelRoles.contains($0.role) }.compactMap { spec in
      store.labels[spec.name].map { (spec.name, $0) }
    }
    guard !labels.isEmpty, store.rowCount > 0 else { return [] }
    let (rows, inFirstHalf) = sample(rowCount: store.rowCount)
    let scored = rows.indices.filter { !inFirstHalf[$0] }
    let fitted = rows.indices.filter { inFirstHalf[$0] }
    // Per label, once: its values on the whole sample and on the scored half.
    let truth = labels.map { _, label in rows.map { label[Int($0)] > 0.5 } }
    let scoredTruth = truth.map { all in scored.map { all[$0] } }
    var findings: [Finding] = []
    for feature in store.schema.columns {
      if feature.role == .dense, let values = store.dense[feature.name] {
        let order = ScoreOrder(scores: rows.map { Double(values[Int($0)]) })
        for (k, (name, _)) in labels.enumerated() {
          guard enough(truth[k]), let auc = order.auc(labels: truth[k]) else { continue }
          findings.append(Finding(feature: feature.name, label: name, auc: max(auc, 1 - auc), rows: rows.count))
        }
      } else if feature.role == .sparse, let ids = store.ids[feature.name] {
        let sampleIDs = rows.map { ids[Int($0)] }
        for (k, (name, _)) in labels.enumerated() where enough(scoredTruth[k]) {
          let means = IDMeans(ids: fitted.map { sampleIDs[$0] }, labels: fitted.map { truth[k][$0] },
                              tableRows: feature.tableRows ?? 0)
          guard let auc = means.auc(ids: scored.map { sampleIDs[$0] }, labels: scoredTruth[k]) else { continue }
          findings.append(Finding(feature: feature.name, label: name, auc: auc, rows: scored.count))
        }
      }
    }
    return findings
  }

  /// The mean label of each id over the fitting half, and the half's mean for unseen ids.
  /// An array over the table when it is small (no hashing per row), a dictionary otherwise.
  struct IDMeans {
    private var dense: [(positives: Double, count: Double)] = []
    private var sparse: [Int32: (positives: Double, count: Double)] = [:]
    private let prior: Double

    init(ids: [Int32], labels: [Bool], tableRows: Int) {
      let useArray = tableRows > 0 && tableRows <= 1 << 20
      if useArray { dense = Array(repeating: (0, 0), count: tableRows) }
      var positives = 0.0
      for (id, label) in zip(ids, labels) {
        let y: Double = label ? 1 : 0
        positives += y
        if useArray && id >= 0 && Int(id) < tableRows {
          dense[Int(id)].positives += y
          dense[Int(id)].count += 1
        } else {
          sparse[id, default: (0, 0)].positives += y
          sparse[id, default: (0, 0)].count += 1
        }
      }
      prior = ids.isEmpty ? 0 : positives / Double(ids.count)
    }

    /// The Mann–Whitney AUC of `score` on (ids, labels), ties counting ½. The
    /// scores take few distinct values (one per id seen in the fitting half,
    /// plus the prior), so rows are counted per score and only those are sorted.
    func auc(ids: [Int32], labels: [Bool]) -> Double? {
      var groups: [Double: (positives: Double, negatives: Double)] = [:]
      for (id, label) in zip(ids, labels) {
        if label { groups[score(id), default: (0, 0)].positives += 1 } else { groups[score(id), default: (0, 0)].negatives += 1 }
      }
      var numerator = 0.0, negativesBelow = 0.0, positives = 0.0
      for (_, g) in groups.sorted(by: { $0.key < $1.key }) {
        numerator += g.positives * (negativesBelow + 0.5 * g.negatives)
        negativesBelow += g.negatives
        positives += g.positives
      }
      guard positives > 0, negativesBelow > 0 else { return nil }
      return numerator / (positives * negativesBelow)
    }

    func score(_ id: Int32) -> Double {
      if id >= 0 && Int(id) < dense.count {
        let s = dense[Int(id)]
        if s.count > 0 { return s.positives / s.count }
      }
      if let s = sparse[id] { return s.positives / s.count }
      return prior
    }
  }

  private static func enough(_ truth: [Bool]) -> Bool {
    let positives = truth.reduce(0) { $0 + ($1 ? 1 : 0) }
    return positives >= minimumClass && truth.count - positives >= minimumClass
  }

  /// Up to `sampleSize` rows in file order (selection sampling, Knuth's
  /// Algorithm S, seeded) and, for each, whether it falls in half A.
  static func sample(rowCount: Int) -> (rows: [Int32], inFirstHalf: [Bool]) {
    var rng = SeededGenerator(seed: seed)
    var rows: [Int32] = []
    let wanted = min(sampleSize, rowCount)
    rows.reserveCapacity(wanted)
    if wanted == rowCount {
      rows = (0..<rowCount).map { Int32($0) }
    } else {
      var needed = wanted
      for row in 0..<rowCount where needed > 0 {
        if Int(rng.next() % UInt64(rowCount - row)) < needed {
          rows.append(Int32(row))
          needed -= 1
        }
      }
    }
    let halves = rows.map { _ in rng.next() & 1 == 0 }
    return (rows, halves)
  }

  private static func format(_ x: Double) -> String {
    let scaled = (x * 10_000).rounded(.down) / 10_000
    var text = String(scaled)
    while text.count < 6 { text += "0" }
    return text
  }
}

// Refuses a feature that is a copy of a label: a model trained on it would
// look perfect and learn nothing.
import CVRData

enum IngestLeakage {
  /// Below this many rows a feature can match a 0/1 label by chance; the check is skipped.
  static let minimumRows = 10

  /// Throws when a sparse or dense feature equals a label column (click,
  /// conversion, action, delay) on every row, naming both columns.
  static func check(_ store: ColumnStore, file: String) throws {
    guard store.rowCount >= minimumRows else { return }
    let labelRoles: [ColumnSpec.Role] = [.click, .conversion, .action, .delay]
    for label in store.schema.columns where labelRoles.contains(label.role) {
      guard let values = store.labels[label.name] else { continue }
      for (index, feature) in store.schema.columns.enumerated() {
        var same = false
        if feature.role == .sparse, let ids = store.ids[feature.name] {
          same = equal(ids.values, values.values) { Float($0) }
        } else if feature.role == .dense, let dense = store.dense[feature.name] {
          same = equal(dense.values, values.values) { $0 }
        }
        if same {
          throw DataError(
            file: file, line: 0, column: feature.name, fieldIndex: index,
            reason: "feature '\(feature.name)' equals label '\(label.name)' on every row (label leakage): "
              + "remove the column or give it role ignore")
        }
      }
    }
  }

  private static func equal<T>(_ a: UnsafeBufferPointer<T>, _ b: UnsafeBufferPointer<Float>, _ convert: (T) -> Float) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count where convert(a[i]) != b[i] { return false }
    return true
  }
}

// The inspection summary with the D / D_r / D_v splits: the agreed entry point
// `summarize(_:splits:)` over DataSplits (kept apart until DataSplits lands).
import CVRData

extension DataInspection {
  /// `summarize(_:splitRows:)` with the exposure-space rows of the train (D),
  /// recent (D_r) and valid (D_v) splits, in that order; nil: no split section.
  public static func summarize(_ store: ColumnStore, splits: DataSplits?) -> InspectionReport {
    guard let splits else { return summarize(store, splitRows: []) }
    return summarize(
      store,
      splitRows: [
        SplitRowList(name: "train", rows: splits.rows(.train, space: .exposure)),
        SplitRowList(name: "recent", rows: splits.rows(.recent, space: .exposure)),
        SplitRowList(name: "valid", rows: splits.rows(.valid, space: .exposure)),
      ])
  }
}

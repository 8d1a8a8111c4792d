// The public AliExpress dataset (Li et al., CIKM 2020; the MMoE/PLE CVR
// benchmarks): its column layout and the schema preset that reads it.
import CVRData

/// The AliExpress search-log dataset (Tianchi dataset 74690; one CSV per
/// country and split, e.g. `AliExpress_NL/train.csv`).
///
/// Assumed column order (the files' header, as the multi-task
/// recommendation libraries read it):
/// `search_id, categorical_1 ... categorical_16, numerical_1 ... numerical_63, click, conversion`.
/// - `search_id` identifies the search session; it is not a feature
///   (`role: ignore`). Pass `searchIDColumn: false` for a file written without it.
/// - the 16 categorical columns hold non-negative integer ids, already
///   remapped per column; they are hashed here so an unseen id needs no vocabulary;
/// - the 63 numerical columns are real numbers, standardised on the training split;
/// - `click` and `conversion` are 0/1 (a conversion only follows a click).
public enum AliExpress {
  public static let categoricalCount = 16
  public static let numericalCount = 63

  /// The column names in file order.
  public static func columnNames(searchIDColumn: Bool = true) -> [String] {
    (searchIDColumn ? ["search_id"] : [])
      + (1...categoricalCount).map { "categorical_\($0)" }
      + (1...numericalCount).map { "numerical_\($0)" }
      + ["click", "conversion"]
  }

  /// The feature group of every column unless `groups` says otherwise.
  ///
  /// Why one block: the released files are anonymised (`categorical_k`,
  /// `numerical_k`) and do not say which column describes the user, the item or
  /// the query, so the preset does not pretend to know; models that read
  /// blocks (MetaCVR, DCN) then see one feature block. Give `groups` (on the
  /// command line `--group categorical_1-8=user`) to split them.
  public static let defaultGroup = ColumnSpec.Group.context

  /// The schema of an AliExpress CSV: each categorical column a sparse column
  /// hashed into `hashBuckets` rows with embeddings of width `dim`; each
  /// numerical column dense with `normalize: standard`; `click` and
  /// `conversion` labels; `search_id` ignored when present. Every feature is
  /// in group `groups[name] ?? defaultGroup`.
  public static func schema(hashBuckets: Int, dim: Int, searchIDColumn: Bool = true,
                            groups: [String: ColumnSpec.Group] = [:]) -> DataSchema {
    var columns: [ColumnSpec] = []
    if searchIDColumn { columns.append(ColumnSpec("search_id", role: .ignore)) }
    for i in 1...categoricalCount {
      var spec = ColumnSpec("categorical_\(i)", role: .sparse)
      spec.hashBuckets = hashBuckets
      spec.dim = dim
      spec.group = groups[spec.name] ?? defaultGroup
      columns.append(spec)
    }
    for i in 1...numericalCount {
      var spec = ColumnSpec("numerical_\(i)", role: .dense)
      spec.normalize = .standard
      spec.group = groups[spec.name] ?? defaultGroup
      columns.append(spec)
    }
    columns.append(ColumnSpec("click", role: .click))
    columns.append(ColumnSpec("conversion", role: .conversion))
    return DataSchema(delimiter: ",", header: true, columns: columns)
  }
}

// The torch-rechub Ali-CCP layout (examples/ranking/data/ali-ccp,
// ali_ccp_{train,val,test}*.csv): already one CSV per split, with sparse
// fields, eight dense "D" fields and the two labels; only a schema is needed.
import CVRData

extension AliCCP {
  /// The dense columns of the torch-rechub layout (the values of the
  /// combination fields 109_14 … 853, as the lineage's scripts name them).
  public static let rechubDense = ["D109_14", "D110_14", "D127_14", "D150_14", "D508", "D509", "D702", "D853"]
  /// Its sparse columns: the single-valued fields plus 210 and the four
  /// multi-valued fields reduced to one id each (23 in all).
  public static let rechubSparse = [
    "101", "121", "122", "124", "125", "126", "127", "128", "129", "205", "206", "207", "210", "216",
    "508", "509", "702", "853", "301", "109_14", "110_14", "127_14", "150_14",
  ]

  /// The schema of a torch-rechub Ali-CCP CSV whose header line is `header`,
  /// in the file's own column order: `click` and `purchase` are the labels,
  /// the `D…` columns dense (`normalize: standard`), the other fields hashed
  /// sparse columns of `hashBuckets` rows and width `dim`. Groups follow the
  /// field id as in `group(ofField:)` (1xx user, 2xx item, 301 context, 5xx–8xx
  /// interaction; a dense `D508` takes the group of 508).
  ///
  /// Throws `SchemaError` naming a column that is not part of the layout, or a
  /// label that is missing, so a file of another layout is not read as this one.
  public static func rechubSchema(header: [String], hashBuckets: Int, dim: Int, file: String = "<header>") throws
    -> DataSchema
  {
    var columns: [ColumnSpec] = []
    for name in header {
      if name == clickColumn {
        columns.append(ColumnSpec(name, role: .click))
      } else if name == conversionColumn {
        columns.append(ColumnSpec(name, role: .conversion))
      } else if rechubDense.contains(name) {
        var spec = ColumnSpec(name, role: .dense)
        spec.normalize = .standard
        spec.group = group(ofField: String(name.dropFirst()))
        columns.append(spec)
      } else if rechubSparse.contains(name) {
        var spec = ColumnSpec(name, role: .sparse)
        spec.hashBuckets = hashBuckets
        spec.dim = dim
        spec.group = group(ofField: name)
        columns.append(spec)
      } else {
        throw SchemaError(file: file, line: 1, problem:
          "column '\(name)' is not part of the torch-rechub Ali-CCP layout (click, purchase, \(rechubSparse.joined(separator: ", ")), \(rechubDense.joined(separator: ", ")))")
      }
    }
    for label in [clickColumn, conversionColumn] where !header.contains(label) {
      throw SchemaError(file: file, line: 1, problem: "the header has no '\(label)' column, which the torch-rechub Ali-CCP layout needs")
    }
    let schema = DataSchema(delimiter: ",", header: true, columns: columns)
    try schema.validate(file: file)
    return schema
  }
}

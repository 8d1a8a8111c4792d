// Whether a saved model can read a data file: the model reads batch columns by
// position, so the data's feature columns must be the model's, with the same
// tables, widths and lengths, and the same occasion names.
import CVRData

public enum ModelCompatibility {
  /// The model reads batch columns by position: the data's feature columns must be the model's.
  public static func check(model: DataSchema, data: DataSchema, file: String) throws {
    let a = BatchLayout(schema: model), b = BatchLayout(schema: data)
    for (what, x, y) in [("sparse", a.sparse, b.sparse), ("dense", a.dense, b.dense),
                         ("multi-valued", a.multi.map(\.name), b.multi.map(\.name)),
                         ("sequence", a.sequences.map(\.name), b.sequences.map(\.name))] where x != y {
      throw ModelBundleError(file: file, problem: "the \(what) columns are \(y), the model was trained on \(x)")
    }
    for spec in model.columns where [.sparse, .multi, .sequence].contains(spec.role) {
      let other = data.column(spec.name)!
      guard other.tableRows == spec.tableRows, other.dim == spec.dim, other.maxLength == spec.maxLength,
        other.maxValues == spec.maxValues
      else {
        throw ModelBundleError(file: file, problem: "column \(spec.name) has another vocab, dim or length than the model's")
      }
    }
    for spec in model.columns where spec.role == .dense {
      guard data.column(spec.name)?.normalize == spec.normalize else {
        throw ModelBundleError(file: file, problem: "dense column \(spec.name) has another normalize rule than the model's")
      }
    }
  }

  /// The data's occasion names, when it has occasions, must be the model's (same codes, same order).
  public static func checkOccasions(model: DataSchema, store: ColumnStore, file: String) throws {
    if let modelOccasions = model.occasions, store.occasions != nil, store.occasionNames != modelOccasions {
      throw ModelBundleError(
        file: file, problem: "the data's occasions \(store.occasionNames) differ from the model's \(modelOccasions)")
    }
  }
}

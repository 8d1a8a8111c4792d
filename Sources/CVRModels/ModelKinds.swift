// The model table: every kind of model the library knows, one entry each.
// Adding a model is one folder under CVRModels and one line here.
import CVRCore
import CVRData

/// Every model kind, in the order reports list them.
public enum ModelKinds {
  public static let all: [ModelKind] = [
    LogisticRegressionModel.modelKind,
    BaseCVRModel.modelKind,
    DCNModel.modelKind,
    ESMMModel.modelKind,
    ESM2Model.modelKind,
    ESDFModel.modelKind,
    MetaCVRModel.modelKind,
    FrozenBaseProbe.modelKind,
    ExposurePretrainModel.modelKind,
    EGEANModel.modelKind,
    MatrixFactorizationModel.modelKind,
    MTLModel.ipsKind,
    MTLModel.drKind,
    ESCM2Model.ipsKind,
    ESCM2Model.drKind,
    DCMTModel.modelKind,
    DDPOModel.modelKind,
    AECMModel.modelKind,
  ]

  /// The entry of `kind`, or nil.
  public static func named(_ kind: String) -> ModelKind? { all.first { $0.kind == kind } }

  /// A model of `kind` with the architecture `configuration` describes, for
  /// `schema` (parameter values are then read from the checkpoint).
  ///
  /// - Throws: `ModelError.unknownKind` for a kind not in the table; the model's
  ///   own errors for a configuration that does not fit the schema.
  public static func restore(kind: String, configuration: JSONValue, schema: DataSchema) throws -> any CVRModel {
    guard let entry = named(kind) else { throw ModelError.unknownKind(kind) }
    return try entry.restore(configuration, schema)
  }

  /// A fresh copy of a trained model: same kind, configuration and parameter
  /// values (matched by name), for fine-tuning.
  public static func copy(_ model: any CVRModel, schema: DataSchema) throws -> any CVRModel {
    let copy = try restore(kind: model.kind, configuration: model.configuration, schema: schema)
    let source = Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0) })
    for p in copy.parameters {
      guard let s = source[p.name], s.value.count == p.value.count else {
        throw ModelError.config("copy of \(model.kind): parameter \(p.name) has no match in the trained model")
      }
      p.value.baseAddress!.update(from: s.value.baseAddress!, count: p.value.count)
    }
    return copy
  }
}

// Rebuilds a model from the kind and configuration stored in its checkpoint:
// the one place that maps kind strings to model classes.
import CVRCheckpoint
import CVRData
import CVRModels

/// Kind → model class, for loading checkpoints (`ModelBundle.load`, `cvr predict`).
public enum ModelRegistry {
  /// A model of `kind` with the architecture `configuration` describes, for `schema`
  /// (parameter values are then read from the checkpoint).
  ///
  /// - Throws: `ModelError.unknownKind` for a kind no case handles; the model's
  ///   own errors for a configuration that does not fit the schema.
  public static func make(kind: String, configuration: JSONValue, schema: DataSchema) throws -> any CVRModel {
    switch kind {
    case LogisticRegressionModel.kind:
      return try LogisticRegressionModel(configuration: configuration, schema: schema)
    case "BASE":
      return try BaseCVRModel(configuration: configuration, schema: schema)
    case "MetaCVR":
      return try MetaCVRModel(configuration: configuration, schema: schema)
    case "DCN":
      return try DCNModel(configuration: configuration, schema: schema)
    case "ESMM":
      return try ESMMModel(configuration: configuration, schema: schema)
    case "ESM2":
      return try ESM2Model(configuration: configuration, schema: schema)
    case "ESDF":
      return try ESDFModel(configuration: configuration, schema: schema)
    default:
      throw ModelError.unknownKind(kind)
    }
  }
}

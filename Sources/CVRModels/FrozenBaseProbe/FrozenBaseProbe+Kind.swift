// FrozenBaseProbe's entry in the model table (ModelKinds): restored from
// checkpoints only; a fresh one needs a trained BASE (the experiment builds it).
import CVRCore
import CVRData

extension FrozenBaseProbe {
  /// Kind "FrozenBaseProbe".
  public static let modelKind = ModelKind(kind: "FrozenBaseProbe", build: nil) { configuration, schema in
    try FrozenBaseProbe(configuration: configuration, schema: schema)
  }
}

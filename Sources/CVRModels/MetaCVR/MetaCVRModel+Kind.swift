// MetaCVR's entry in the model table (ModelKinds): restored from checkpoints
// only; a fresh one needs a trained BASE and its prototypes (the experiment's stage 2).
import CVRCore
import CVRData

extension MetaCVRModel {
  /// Kind "MetaCVR".
  public static let modelKind = ModelKind(kind: "MetaCVR", build: nil) { configuration, schema in
    try MetaCVRModel(configuration: configuration, schema: schema)
  }
}

// BaseCVRModel's entry in the model table (ModelKinds): built from its paper/demo
// presets with a config file's options laid over them, or restored from a checkpoint.

extension BaseCVRModel {
  /// Kind "BASE".
  public static let modelKind = ModelKind.network(kind: "BASE", paper: Config.paper, demo: Config.demo) {
    try BaseCVRModel(plan: $0, config: $1, seed: $2)
  }
}

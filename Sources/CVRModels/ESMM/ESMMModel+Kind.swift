// ESMMModel's entry in the model table (ModelKinds): built from its paper/demo
// presets with a config file's options laid over them, or restored from a checkpoint.

extension ESMMModel {
  /// Kind "ESMM" (`trunk` "frn" by default; "flat" for the EGEAN comparison).
  public static let modelKind = ModelKind.network(kind: "ESMM", paper: Config.paper, demo: Config.demoPreset) {
    try ESMMModel(plan: $0, config: $1, seed: $2)
  }
}

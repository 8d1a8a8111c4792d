// DCNModel's entry in the model table (ModelKinds): built from its paper/demo
// presets with a config file's options laid over them, or restored from a checkpoint.

extension DCNModel {
  /// Kind "DCN".
  public static let modelKind = ModelKind.network(kind: "DCN", paper: Config.paper, demo: Config.demo) {
    try DCNModel(plan: $0, config: $1, seed: $2)
  }
}

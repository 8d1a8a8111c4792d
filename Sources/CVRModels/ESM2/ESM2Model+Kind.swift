// ESM2Model's entry in the model table (ModelKinds): built from its paper/demo
// presets with a config file's options laid over them, or restored from a checkpoint.

extension ESM2Model {
  /// Kind "ESM2".
  public static let modelKind = ModelKind.network(kind: "ESM2", paper: Config.paper, demo: Config.demo) {
    try ESM2Model(plan: $0, config: $1, seed: $2)
  }
}

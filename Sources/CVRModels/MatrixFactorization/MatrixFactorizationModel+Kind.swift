// MF's entry in the model table (ModelKinds): one size for every preset.

extension MatrixFactorizationModel {
  /// Kind "MF".
  public static let modelKind = ModelKind.network(kind: kind, paper: Config(), demo: Config(dim: 8)) {
    try MatrixFactorizationModel(plan: $0, config: $1, seed: $2)
  }
}

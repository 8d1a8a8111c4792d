// LR's entry in the model table (ModelKinds): one size for every preset.

extension LogisticRegressionModel {
  /// Kind "LR".
  public static let modelKind = ModelKind.network(kind: kind, paper: Config(), demo: Config()) {
    try LogisticRegressionModel(plan: $0, config: $1, seed: $2)
  }
}

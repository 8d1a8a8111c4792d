// ExposurePretrainModel's entry in the model table (ModelKinds): EGEAN's
// pre-training phase, built fresh from its presets or restored from a checkpoint.

extension ExposurePretrainModel {
  /// Kind "EGEAN-exposure".
  public static let modelKind = ModelKind.network(kind: "EGEAN-exposure", paper: Config.paper, demo: Config.demo) {
    try ExposurePretrainModel(plan: $0, config: $1, seed: $2)
  }
}

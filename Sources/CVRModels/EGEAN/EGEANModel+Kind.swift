// EGEANModel's entry in the model table (ModelKinds): the w/o EN ablation is
// built fresh from its presets; the full model needs a trained EGEAN-exposure
// model (EGEANModel(pretrained:config:seed:)); every variant restores from a checkpoint.
import CVRCore
import CVRData

extension EGEANModel {
  /// Kind "EGEAN".
  public static let modelKind = ModelKind(
    kind: "EGEAN",
    build: { request in
      let config = try request.configuration(Config.self, defaults: request.preset == .demo ? Config.demo : Config.paper)
      guard !config.exposureTask else {
        throw ModelError.config(
          "model_options.\(request.name): exposureTask: true needs the pre-trained EGEAN-exposure model "
            + "(EGEANModel(pretrained:config:seed:)); exposureTask: false is the w/o EN ablation")
      }
      return try EGEANModel(plan: request.plan, config: config, seed: request.seed)
    },
    restore: { configuration, schema in try EGEANModel(configuration: configuration, schema: schema) }
  ).building(onPretrained: ExposurePretrainModel.self, paper: Config.paper, demo: Config.demo) {
    try EGEANModel(pretrained: $0, config: $1, seed: $2)
  }
}

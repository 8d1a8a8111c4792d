// ModelKind's hand-over to a model built on another trained model (EGEAN on its
// exposure pre-training): the trained model arrives typed, the preset and the
// request's options are merged as for a fresh build, a wrong type is an error.
import CVRCore
import CVRData
import CVRModels
import Testing

@Suite struct ModelKindPretrainedTests {
  /// A kind that builds an ESMM whose CVR tower widths come from the request, on a trained LR.
  static let kind = ModelKinds.named("ESMM")!.building(
    onPretrained: LogisticRegressionModel.self, paper: ESMMModel.Config.paper, demo: ESMMModel.Config.demo
  ) { base, config, seed in
    #expect(base.kind == "LR")
    return try ESMMModel(plan: FeaturePlan(schema: ModelFixture.shared.schema), config: config, seed: seed)
  }

  @Test func buildsOnTheTypedTrainedModelWithMergedOptions() throws {
    let plan = try FeaturePlan(schema: ModelFixture.shared.schema)
    let trained = try #require(try ModelKinds.named("LR")!.build!(ModelBuildRequest(name: "LR", plan: plan, seed: 1)))
    let request = ModelBuildRequest(name: "ESMM-on-LR", plan: plan, options: .object(["outputWidths": .array([.integer(6)])]),
                                    preset: .demo, seed: 3)
    let make = try #require(Self.kind.pretrained)
    let model = try #require(try make(request, trained) as? ESMMModel)
    #expect(model.config.outputWidths == [6])
    #expect(model.config.frn == ESMMModel.Config.demo.frn)
    #expect(ModelKinds.named("ESMM")!.pretrained == nil)
  }

  @Test func aTrainedModelOfAnotherTypeIsAnError() throws {
    let plan = try FeaturePlan(schema: ModelFixture.shared.schema)
    let other = try #require(try ModelKinds.named("ESMM")!.build!(ModelBuildRequest(name: "ESMM", plan: plan, preset: .demo, seed: 1)))
    #expect(throws: ModelError.self) {
      _ = try Self.kind.pretrained!(ModelBuildRequest(name: "x", plan: plan, preset: .demo, seed: 1), other)
    }
  }
}

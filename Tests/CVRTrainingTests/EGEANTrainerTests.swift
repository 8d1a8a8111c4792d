// EGEAN's two phases through the ordinary Trainer: the exposure model trains for
// fixed epochs, EGEAN is built on it, and its pre-trained table stays
// bit-identical while Adam with weight decay trains the task LoRA and towers.
import CVRAutograd
import CVRModels
import CVRTraining
import Testing

@Suite struct EGEANTrainerTests {
  let fixture = TrainingFixture.shared

  @Test func thePreTrainedTableStaysFrozenThroughTheTrainer() throws {
    var exposureConfig = ExposurePretrainModel.Config.demo
    exposureConfig.widths = [8]
    let exposure = try ExposurePretrainModel(plan: fixture.plan, config: exposureConfig, seed: 1)
    let tableName = "embedding.item"
    let initial = exposure.parameters.first { $0.name == tableName }!.values()
    var training = TrainingConfig()
    training.batchSize = 64
    training.maxEpochs = 1
    training.learningRate = 1e-3
    let trainRows = Array(fixture.splits.rows(.train, space: .exposure).prefix(512))
    let trainer = Trainer(stage: "pre-train", name: "EGEAN-exposure", makeOptimizer: Trainer.adam(weightDecay: 1e-6))
    _ = try trainer.fit(model: exposure, assembler: fixture.assembler, trainRows: trainRows, validRows: [],
                        config: training)
    let pretrained = exposure.parameters.first { $0.name == tableName }!.values()
    #expect(pretrained != initial, "pre-training moved the table")

    var config = EGEANModel.Config.demo
    config.exposure = exposureConfig
    config.towers.widths = [8]
    let model = try EGEANModel(pretrained: exposure, config: config, seed: 2)
    let tables = model.trunk.parameters
    let before = tables.map { $0.values().map(\.bitPattern) }
    #expect(tables.first { $0.name == tableName }!.values() == pretrained)
    let result = try Trainer(name: "EGEAN", makeOptimizer: Trainer.adam(weightDecay: 1e-6)).fit(
      model: model, assembler: fixture.assembler, trainRows: trainRows, validRows: fixture.valid, config: training)
    #expect(result.epochsRun == 1)
    #expect(tables.map { $0.values().map(\.bitPattern) } == before, "the frozen table moved")
    let a = model.parameters.first { $0.name == "cvr.lora.\(tableName)/lora_A" }!
    #expect(a.values().contains { $0 != 0 }, "the CVR task's LoRA did not train")
  }
}

// train-egean's protocol choices without a run: the default models, --ablations,
// --estimator (written where config.yaml records it), the optimiser defaults under
// a config file's keys, the demo's days and epochs, and the kinds each name needs.
import CVRCore
import EGEANExperiment
import Foundation
import MetaCVRExperiment
import Testing

@Suite struct EGEANProtocolTests {
  @Test func defaultsAndAblations() throws {
    var config = ExperimentConfig()
    EGEANProtocol.applyDefaults(&config)
    #expect(config.models == ModelCatalog.egeanPaperModels)
    #expect(config.models.count == 13 && config.models.last == "EGEAN w/o ML")
    #expect(config.training.batchSize == 1024 && config.training.learningRate == 1e-3)
    try EGEANProtocol.applyAblations("ml,en", to: &config.models)
    #expect(Array(config.models.suffix(2)) == ["EGEAN w/o EN", "EGEAN w/o ML"])
    try EGEANProtocol.applyAblations("none", to: &config.models)
    #expect(config.models == ModelCatalog.egeanBaselines + ["EGEAN+DR", "EGEAN+PVDR"])
    #expect(throws: (any Error).self) { try EGEANProtocol.applyAblations("en,abc", to: &config.models) }
    #expect(throws: (any Error).self) { try EGEANProtocol.applyAblations(" , ", to: &config.models) }
  }

  @Test func aConfigFilesKeysWinOverTheProtocolsDefaults() throws {
    var config = try ExperimentConfig.parse("models: [ESMM]\ntraining:\n  learning_rate: 0.01\n")
    EGEANProtocol.applyDefaults(&config)
    #expect(config.models == ["ESMM"])
    #expect(config.training.learningRate == 0.01 && config.training.batchSize == 1024)
  }

  @Test func estimatorGoesToEGEANAndTheAblationsOnly() throws {
    var config = ExperimentConfig()
    let order = ["ESMM", "EGEAN-exposure", "EGEAN+DR", "EGEAN", "EGEAN w/o TPN"]
    try EGEANProtocol.applyEstimator("DR", to: &config, order: order)
    #expect(Set(config.modelOptions.keys) == ["EGEAN", "EGEAN w/o TPN"])
    #expect(config.modelOptions["EGEAN"] == .object(["estimator": .string("dr")]))
    #expect(throws: (any Error).self) { try EGEANProtocol.applyEstimator("ips", to: &config, order: order) }
  }

  @Test func demoDaysAndEpochs() throws {
    var config = ExperimentConfig()
    EGEANDemo.configure(&config, output: URL(fileURLWithPath: "/tmp/x"))
    #expect(config.trainDays == "0-11" && config.recentDays == "0-11" && config.validDays == "12-13")
    #expect(config.training.maxEpochs == EGEANDemo.epochs && config.preset == .demo)
    var explicit = try ExperimentConfig.parse("training:\n  max_epochs: 2\n")
    EGEANDemo.configure(&explicit, output: URL(fileURLWithPath: "/tmp/x"))
    #expect(explicit.training.maxEpochs == 2)
  }

  @Test func kindsAndFileStems() {
    #expect(ModelCatalog.egeanKind(of: "EGEAN w/o EN") == "EGEAN")
    #expect(ModelCatalog.egeanKind(of: "EGEAN+PVDR") == "EGEAN")
    #expect(ModelCatalog.egeanKind(of: "EGEAN-exposure") == "EGEAN-exposure")
    #expect(ModelCatalog.egeanKind(of: "DCMT") == "DCMT")
    #expect(ModelCatalog.egeanKind(of: "BASE") == nil)
    #expect(ModelCatalog.fileStem("EGEAN w/o TPN") == "EGEAN-wo-TPN")
    #expect(ModelCatalog.fileStem("MetaCVR-SPDM") == "MetaCVR-SPDM")
    let catalog = ModelCatalog.egean()
    #expect(catalog.entry("EGEAN-exposure")?.listed == false && catalog.entry("EGEAN-exposure")?.earlyStopping == false)
    #expect(catalog.entry("EGEAN+DR")?.after == "EGEAN-exposure" && catalog.entry("EGEAN w/o EN")?.after == nil)
    #expect(ModelCatalog.egeanPaperModels.allSatisfy { catalog.entry($0) != nil })
  }
}

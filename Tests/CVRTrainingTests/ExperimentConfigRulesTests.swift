// The experiment config's rules a user meets: settings that used to be accepted
// silently are errors, a global max_epochs reaches MetaCVR's stage 2, --epochs
// reaches every model, paths are read from the config's directory, and written
// numbers read as numbers in other YAML readers.
import CVRCore
import CVRTraining
import Foundation
import CVRConfigFile
import MetaCVRExperiment
import Testing
import Yams

@Suite struct ExperimentConfigRulesTests {
  func days(_ c: inout ExperimentConfig) {
    (c.data, c.schema) = ("d.csv", "s.yaml")
    (c.trainDays, c.recentDays, c.validDays) = ("10-20", "15-20", "21-27")
  }

  @Test func validationDaysBeforeTheTrainingDaysAreAnError() {
    var c = ExperimentConfig()
    (c.trainDays, c.recentDays, c.validDays) = ("10-20", "15-20", "0-5")
    #expect(throws: TrainingError.config(
      "--valid-days 0-5 lie before --train-days 10-20: validation must come after the training days")) {
      try c.dayRanges()
    }
  }

  @Test(arguments: [0.0, 1.0, -0.1])
  func aHoldoutOutsideZeroOneIsAnError(_ holdout: Double) {
    var c = ExperimentConfig()
    days(&c)
    c.holdout = holdout
    #expect(throws: TrainingError.config(
      "holdout \(holdout) must be in (0, 1): it is the share of D's clicked rows early stopping watches (default 0.1)")) {
      try c.validate()
    }
  }

  @Test func aDistanceMetricWithoutMetaCVRIsAnError() throws {
    var c = ExperimentConfig()
    days(&c)
    c.models = ["BASE", "DCN"]
    c.dmn = ["spdm"]
    #expect(throws: TrainingError.config(
      "dmn [spdm] chooses MetaCVR's distance metric, but models [BASE, DCN] include no MetaCVR: "
        + "add MetaCVR to the models or drop dmn")) { try c.validate() }
    c.models = ["BASE", "MetaCVR"]
    try c.validate()
  }

  @Test func unknownModelNamesInModelTrainingAndOptionsAreErrors() throws {
    let catalog = ModelCatalog.standard()
    var c = ExperimentConfig()
    c.modelTraining["BASEE"] = .object(["max_epochs": .integer(2)])
    #expect(throws: TrainingError.config(
      "model_training: unknown model 'BASEE' (known: \(catalog.names.joined(separator: ", ")))")) {
      try c.checkModelNames(catalog: catalog, order: ["BASE"])
    }
    c.modelTraining = [:]
    c.modelOptions["MetaCVR"] = .object([:])
    #expect(throws: TrainingError.config(
      "model_options: unknown model 'MetaCVR' (known: \(catalog.names.joined(separator: ", ")))")) {
      try c.checkModelNames(catalog: catalog, order: ["BASE"])
    }
    // A known model that this run does not train: a warning, not silence.
    c.modelOptions = ["DCN": .object([:])]
    #expect(try c.checkModelNames(catalog: catalog, order: ["BASE"]) == [
      "model_options.DCN is set, but this run does not train DCN",
    ])
  }

  @Test func aGlobalMaxEpochsReachesMetaCVRStageTwo() throws {
    let catalog = ModelCatalog.standard()
    let stage2 = try #require(catalog.entry("MetaCVR-SPDM")).training
    // Without a global key the entry's own defaults hold (60 epochs, Adam at 0.01, log-loss stopping).
    let plain = try ExperimentConfig.parse("seeds: [1]\n")
    #expect(try plain.training(for: "MetaCVR-SPDM", defaults: stage2).maxEpochs == 60)
    var parsed = try ExperimentConfig.parse("training: {max_epochs: 4}\n")
    #expect(try parsed.training(for: "MetaCVR-SPDM", defaults: stage2).maxEpochs == 4)
    #expect(try parsed.training(for: "MetaCVR-SPDM", defaults: stage2).learningRate == 0.01)
    #expect(try parsed.training(for: "MetaCVR-SPDM", defaults: stage2).optimizer == "adam")
    // The written config says the same: the entry defaults that still apply go
    // into model_training, and reading it back gives the same settings.
    parsed.foldCatalogDefaults(catalog, order: ["BASE", "MetaCVR-SPDM"])
    #expect(parsed.modelTraining["MetaCVR-SPDM"] == .object([
      "optimizer": .string("adam"), "learning_rate": .number(0.01), "patience": .integer(6),
      "early_stopping_metric": .string("log_loss"),
    ]))
    let again = try ExperimentConfig.parse(try parsed.yaml())
    for name in ["BASE", "MetaCVR-SPDM"] {
      let defaults = catalog.entry(name)!.training
      #expect(try again.training(for: name, defaults: defaults) == parsed.training(for: name, defaults: defaults))
    }
  }

  @Test func epochsOverridesEveryModel() throws {
    let catalog = ModelCatalog.standard()
    var c = ExperimentConfig()
    c.modelTraining["ESMM"] = .object(["max_epochs": .integer(8), "patience": .integer(8)])
    c.modelTraining["BASE-F"] = .object(["patience": .integer(1)])
    c.overrideEpochs(3)
    c.foldCatalogDefaults(catalog, order: ["BASE", "ESMM", "BASE-F", "MetaCVR-NNDM"])
    for name in ["BASE", "ESMM", "BASE-F", "MetaCVR-NNDM"] {
      #expect(try c.training(for: name, defaults: catalog.entry(name)!.training).maxEpochs == 3, "\(name)")
    }
    #expect(try c.training(for: "ESMM").patience == 8)
  }

  @Test func relativePathsAreReadFromTheConfigsDirectory() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("sub/experiment.yaml")
    try Data("data: ../logs/data.csv\nschema: /abs/schema.yaml\n".utf8).write(to: file)
    let c = try ExperimentConfig.load(from: file)
    #expect(c.data == directory.appendingPathComponent("logs/data.csv").standardizedFileURL.path)
    #expect(c.schema == "/abs/schema.yaml")
  }

  @Test func writtenNumbersReadAsNumbersInYAMLReaders() throws {
    var c = ExperimentConfig()
    c.training.minDelta = 0.00001
    c.training.learningRate = 0.01
    c.holdout = 0.000125
    c.modelTraining["BASE"] = .object(["learning_rate": .double(3e-7)])
    let text = try c.yaml()
    // No exponent without a point and a sign (YAML 1.1 readers such as PyYAML take those as strings).
    let bare = try NSRegularExpression(pattern: #"(^|[\s:])[-+]?[0-9]+[eE]|[0-9][eE][0-9]"#, options: .anchorsMatchLines)
    #expect(bare.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil, "\(text)")
    let top = try #require(try Yams.load(yaml: text) as? [String: Any])
    let training = try #require(top["training"] as? [String: Any])
    #expect(training["min_delta"] as? Double == 0.00001)
    #expect(training["learning_rate"] as? Double == 0.01)
    #expect(top["holdout"] as? Double == 0.000125)
    let base = try #require((top["model_training"] as? [String: Any])?["BASE"] as? [String: Any])
    #expect(base["learning_rate"] as? Double == 3e-7)
    // And this package reads its own file back equal.
    #expect(try ExperimentConfig.parse(text) == c)
  }

  @Test func portableNumbersRewriteOnlyPlainExponentScalars() {
    #expect(YAMLNumbers.portable("a: 1e-05\n- 2E3\nb: 1.5e-7\nc: '1e-05'\nd: 1.0e+2\n")
      == "a: 1.0e-05\n- 2.0e+3\nb: 1.5e-7\nc: '1e-05'\nd: 1.0e+2\n")
  }
}

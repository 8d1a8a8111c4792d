// Config parsing: day ranges in every accepted form and clear errors for bad
// ones, unknown keys refused, per-model overrides merged, YAML round trip.
import CVRCheckpoint
import CVRData
import CVRTraining
import MetaCVRExperiment
import Testing

@Suite struct ConfigTests {
  @Test func dayRangesParseIndicesAndDates() throws {
    #expect(try DayRange.parse("0-55", what: "x") == DayRange(0, 55))
    #expect(try DayRange.parse(" 7 ", what: "x") == DayRange(7, 7))
    #expect(try DayRange.parse("3..9", what: "x") == DayRange(3, 9))
    let dates = try DayRange.parse("2024-01-15..2024-03-15", what: "x")
    #expect(dates == DayRange(DayRange.day("2024-01-15")!, DayRange.day("2024-03-15")!))
    #expect(DayRange(4, 4).text == "4" && DayRange(0, 55).text == "0-55")
  }

  @Test(arguments: ["9-3", "a-b", "1-2-3", "", "-4", "2024-02-30..2024-03-01"])
  func badDayRangesAreRejected(_ text: String) {
    #expect(throws: DayRangeError.self) { try DayRange.parse(text, what: "--train-days") }
  }

  @Test func theMessageNamesTheFlagAndTheForms() {
    do {
      _ = try DayRange.parse("9-3", what: "--valid-days")
      Issue.record("no error")
    } catch {
      let text = "\(error)"
      #expect(text.contains("--valid-days '9-3'") && text.contains("first day comes after the last") && text.contains("A-B"))
    }
  }

  func config(_ train: String, _ recent: String, _ valid: String) -> ExperimentConfig {
    var c = ExperimentConfig()
    (c.trainDays, c.recentDays, c.validDays) = (train, recent, valid)
    return c
  }

  @Test func rangesAreCheckedAgainstEachOther() throws {
    let ok = try config("0-55", "42-55", "56-69").dayRanges()
    #expect(ok.train == DayRange(0, 55) && ok.recent == DayRange(42, 55) && ok.valid == DayRange(56, 69))
    #expect(throws: TrainingError.config("--recent-days 40-60 must lie inside --train-days 0-55")) {
      try config("0-55", "40-60", "56-69").dayRanges()
    }
    #expect(throws: TrainingError.config(
      "--valid-days 50-69 overlaps --train-days 0-55: validation must be unseen days")) {
      try config("0-55", "42-55", "50-69").dayRanges()
    }
    #expect(throws: TrainingError.config("give --train-days, --recent-days and --valid-days (or --demo)")) {
      try ExperimentConfig().dayRanges()
    }
  }

  @Test func aPartialFileKeepsTheDefaults() throws {
    let parsed = try ExperimentConfig.parse("""
      train_days: 0-20
      seeds: [4, 5]
      training: {learning_rate: 0.008, max_epochs: 3}
      model_training: {BASE-F: {max_epochs: 1}}
      model_options: {LR: {occasion_dim: 4}}
      xgboost: {rounds: 12}
      """)
    #expect(parsed.trainDays == "0-20" && parsed.seeds == [4, 5])
    #expect(parsed.training.learningRate == 0.008 && parsed.training.maxEpochs == 3)
    #expect(parsed.training.batchSize == 256 && parsed.training.clipNorm == 5)
    #expect(try parsed.training(for: "BASE-F").maxEpochs == 1)
    #expect(try parsed.training(for: "BASE-F").learningRate == 0.008)
    #expect(try parsed.training(for: "BASE").maxEpochs == 3)
    #expect(parsed.modelOptions["LR"] == .object(["occasion_dim": .integer(4)]))
    #expect(parsed.xgboost.rounds == 12 && parsed.xgboost.maxDepth == 5)
    #expect(parsed.models == ModelCatalog.paperModels)
    // The resolved file reads back equal.
    #expect(try ExperimentConfig.parse(parsed.yaml()) == parsed)
  }

  @Test func unknownKeysAreErrors() {
    #expect(throws: TrainingError.self) { try ExperimentConfig.parse("trian_days: 0-5\n") }
    #expect(throws: TrainingError.self) { try ExperimentConfig.parse("training: {lr: 0.1}\n") }
    var c = ExperimentConfig()
    c.modelTraining["BASE"] = .object(["epochs": .integer(3)])
    #expect(throws: TrainingError.self) { try c.training(for: "BASE") }
  }

  @Test func overridesAreValidated() throws {
    let base = TrainingConfig()
    let changed = try base.overriding(with: .object(["patience": .integer(5), "shuffle": .bool(false)]))
    #expect(changed.patience == 5 && !changed.shuffle && changed.batchSize == base.batchSize)
    #expect(throws: TrainingError.config("patience must be ≥ 0, got -1")) {
      try base.overriding(with: .object(["patience": .integer(-1)])).validate()
    }
  }
}

// The experiment runner end to end on the tiny world: metrics.json has exactly
// the promised shape, every file is written, the same seeds give the same
// numbers, and stage-2 entries run after the model they build on and receive it.
import CVRCore
import CVRData
import CVRMetrics
import CVRModels
import CVRReports
import CVRServing
import CVRTestSupport
import CVRTraining
import CVRXGBoost
import Foundation
import MetaCVRExperiment
import Testing

@Suite struct ExperimentTests {
  let fixture = TrainingFixture.shared

  func run(_ models: [String], seeds: [UInt64] = [1, 2], catalog: ModelCatalog = .standard(),
           configure: (inout ExperimentConfig) -> Void = { _ in })
    throws -> (ExperimentOutcome, ExperimentReport, URL) {
    var config = fixture.experimentConfig(models: models, seeds: seeds)
    configure(&config)
    let data = try ExperimentData(config: config)
    let output = try scratchDirectory()
    let experiment = Experiment(config: config, data: data, catalog: catalog, output: output,
                                progress: ProgressLine(enabled: false))
    let outcome = try experiment.run()
    let report = ExperimentReport(outcome: outcome, config: config, data: data, command: "test")
    try report.write(to: output)
    return (outcome, report, output)
  }

  @Test func metricsJSONHasExactlyThePromisedShape() throws {
    let (_, _, output) = try run(["LR-F", "XGBoost"])
    let json = try JSONValue.parse(Array(try Data(contentsOf: output.appendingPathComponent("metrics.json"))))
    guard case .object(let top) = json, case .object(let models)? = json["models"] else {
      Issue.record("metrics.json is not {\"models\": {…}}")
      return
    }
    #expect(top.first?.key == "models")
    // LR-F needs LR: it is trained first and reported too.
    #expect(models.map(\.key) == ["LR", "LR-F", "XGBoost"])
    for (name, value) in models {
      guard case .object(let metrics) = value else {
        Issue.record("\(name) is not an object")
        continue
      }
      #expect(metrics.map(\.key) == ["auc", "logloss", "gauc"])
      for (metric, summary) in metrics {
        guard case .object(let fields) = summary, case .array(let values)? = summary["values"] else {
          Issue.record("\(name).\(metric) is not {mean, std, values}")
          continue
        }
        #expect(fields.map(\.key) == ["mean", "std", "values"])
        #expect(values.count == 2 && values.allSatisfy { $0.doubleValue.map { $0.isFinite } ?? false })
        let mean = values.compactMap(\.doubleValue).reduce(0, +) / 2
        #expect(abs(summary["mean"]!.doubleValue! - mean) < 1e-12)
      }
    }
    let auc = try #require(models.first { $0.key == "LR" }?.value["auc"]?["mean"]?.doubleValue)
    #expect(auc > 0.5 && auc < 1)
    // MetricsDocument reads it back (the extra keys are ignored).
    #expect(try MetricsDocument.read(from: output.appendingPathComponent("metrics.json")).result.models.count == 3)
  }

  @Test func everyFileIsWritten() throws {
    let (outcome, report, output) = try run(["LR", "XGBoost"], seeds: [3])
    let names = Set(try entries(of: output))
    for file in ["metrics.json", "timings.json", "report.md", "config.yaml", "roc.svg", "calibration.svg", "loss.svg",
                 "checkpoints"] {
      #expect(names.contains(file), "\(file) missing")
    }
    let checkpoints = Set(try entries(of: output.appendingPathComponent("checkpoints")))
    // Each model's checkpoint and its run record (what --resume reuses); no resume point is left.
    #expect(checkpoints == ["LR-seed3.ckpt", "LR-seed3.run.json", "XGBoost-seed3.xgb", "XGBoost-seed3.xgb.json",
                            "XGBoost-seed3.run.json"])
    // The checkpoint scores D_v as the run did.
    let loaded = try ModelBundle.load(from: output.appendingPathComponent("checkpoints/LR-seed3.ckpt"))
    let scores = try loaded.scores(assembler: fixture.assembler, rows: fixture.valid)
    #expect(scores == outcome.firstSeedScores.first { $0.name == "LR" }!.scores)
    // The resolved config reproduces the run's settings.
    let again = try ExperimentConfig.load(from: output.appendingPathComponent("config.yaml"))
    #expect(again == report.config)
    let markdown = try String(contentsOf: output.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(markdown.contains("| LR |") && markdown.contains("## Timings") && markdown.contains("```\ntest\n```"))
    #expect(report.table().split(separator: "\n").count == 3)
  }

  @Test func anEditedXGBoostModelFileIsRefusedNamingIt() throws {
    let (_, _, output) = try run(["XGBoost"], seeds: [4])
    let url = output.appendingPathComponent("checkpoints/XGBoost-seed4.xgb")
    _ = try ModelBundle.load(from: url)
    var bytes = try Data(contentsOf: url)
    let index = try #require(bytes.lastIndex { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "8") })
    bytes[index] += 1
    try bytes.write(to: url)
    do {
      _ = try ModelBundle.load(from: url)
      Issue.record("an edited XGBoost model was loaded")
    } catch {
      #expect("\(error)".hasPrefix("\(url.path): the model file was changed or damaged"), "\(error)")
    }
  }

  @Test func multiTaskModelsReportEveryTaskAndStopOnTheChosenOne() throws {
    let (_, _, output) = try run(["LR", "ESMM"], seeds: [1]) { config in
      config.modelTraining["ESMM"] = .object(["early_stopping_metric": .string("log_loss"),
                                              "early_stopping_task": .string("ctr"), "max_epochs": .integer(3)])
    }
    let json = try JSONValue.parse(Array(try Data(contentsOf: output.appendingPathComponent("metrics.json"))))
    guard case .object(let esmm)? = json["models"]?["ESMM"], case .object(let lr)? = json["models"]?["LR"] else {
      Issue.record("no ESMM or LR in metrics.json")
      return
    }
    #expect(esmm.map(\.key) == ["auc", "logloss", "gauc", "ctr_auc", "ctr_logloss", "ctcvr_auc", "ctcvr_logloss"])
    #expect(lr.map(\.key) == ["auc", "logloss", "gauc"])
    let ctr = try #require(json["models"]?["ESMM"]?["ctr_auc"]?["mean"]?.doubleValue)
    #expect(ctr > 0.5 && ctr < 1)
    guard case .array(let runs)? = json["runs"] else { return }
    let run = try #require(runs.first { $0["model"] == .string("ESMM") })
    #expect(run["early_stopping"]?["metric"] == .string("log_loss") && run["early_stopping"]?["task"] == .string("ctr"))
    guard case .array(let history)? = run["early_stopping"]?["history"] else {
      Issue.record("no early-stopping history")
      return
    }
    #expect(history.count == 3 && history.allSatisfy { $0["log_loss"]?.doubleValue != nil })
    // CTR stops on held-out exposures: more rows than the clicked ones CVR uses.
    let lrRun = try #require(runs.first { $0["model"] == .string("LR") })
    #expect((run["early_stopping"]?["rows"]?.doubleValue ?? 0) > (lrRun["early_stopping"]?["rows"]?.doubleValue ?? .infinity))
    let markdown = try String(contentsOf: output.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(markdown.contains("| ctr_auc |") || markdown.contains("ctr_auc |"))
    let svg = try String(contentsOf: output.appendingPathComponent("loss.svg"), encoding: .utf8)
    #expect(svg.contains("ESMM holdout of D, ") && svg.contains(" exposures") && svg.contains("LR holdout of D, "))
    #expect(!svg.contains("D_v"))
  }

  @Test func earlyStoppingOnAHeadTheModelLacksOrAnUnknownMetricIsRefused() throws {
    #expect(throws: TrainingError.self) {
      _ = try run(["LR"], seeds: [1]) { $0.training.earlyStoppingTask = "ctr" }
    }
    var config = TrainingConfig()
    config.earlyStoppingMetric = "accuracy"
    #expect(throws: TrainingError.config("early_stopping_metric must be auc or log_loss, got 'accuracy'")) {
      try config.validate()
    }
  }

  @Test func theSameSeedsGiveTheSameNumbers() throws {
    let (a, _, _) = try run(["LR", "XGBoost"], seeds: [5])
    let (b, _, _) = try run(["LR", "XGBoost"], seeds: [5])
    #expect(a.result == b.result)
    let (c, _, _) = try run(["LR"], seeds: [6])
    #expect(c.result["LR", "auc"]!.values != a.result["LR", "auc"]!.values)
  }

  @Test func stageTwoEntriesReceiveTheirBaseOfTheSameSeed() throws {
    var catalog = ModelCatalog.standard()
    nonisolated(unsafe) var handed: [(UInt64, ObjectIdentifier)] = []
    nonisolated(unsafe) var trainedLR: [UInt64: ObjectIdentifier] = [:]
    catalog.register(.init(name: "LR", builder: .network { context in
      let model = try LogisticRegressionModel(plan: context.plan, seed: context.seed)
      trainedLR[context.seed] = ObjectIdentifier(model)
      return model
    }))
    catalog.register(.init(name: "Stage2", builder: .network { context in
      let base = try #require(context.base)
      handed.append((context.seed, ObjectIdentifier(base)))
      return try ModelKinds.copy(base, schema: context.schema)
    }, trainSplit: .recent, after: "LR", stage: "stage 2",
       prototypes: { _ in PrototypeSimilarity(cosine: [[1, 0.5], [0.5, 1]], labels: ["NP", "DP"]) }))
    let (outcome, _, output) = try run(["Stage2"], seeds: [1, 2], catalog: catalog)
    #expect(outcome.models == ["LR", "Stage2"])
    #expect(handed.count == 2 && handed.allSatisfy { trainedLR[$0.0] == $0.1 })
    #expect(outcome.prototypes.map(\.name) == ["Stage2"])
    #expect(try entries(of: output).contains("prototypes-Stage2.svg"))
  }

  @Test func namesExpandAndOrder() throws {
    #expect(try ModelCatalog.expand(["BASE", "MetaCVR"], dmn: ["spdm", "Cosine"]) == ["BASE", "MetaCVR-SPDM", "MetaCVR-cosine"])
    #expect(try ModelCatalog.expand(["MetaCVR"], dmn: ModelCatalog.paperDistanceMetrics)
      == ["MetaCVR-SPDM", "MetaCVR-NNDM", "MetaCVR-cosine", "MetaCVR-Euclidean"])
    #expect(throws: TrainingError.self) { try ModelCatalog.expand(["MetaCVR"], dmn: ["manhattan"]) }
    let catalog = ModelCatalog.standard()
    #expect(try catalog.trainingOrder(["XGBoost", "LR-F", "LR"]) == ["XGBoost", "LR", "LR-F"])
    #expect(throws: TrainingError.self) { try catalog.trainingOrder(["NoSuchModel"]) }
  }
}

// The catalog train-metacvr runs: the paper's models by the names metrics.json
// uses. Networks come from the model table (ModelKinds); this file adds the
// protocol's own entries (fine-tuned copies, XGBoost, MetaCVR's stage 2).
import CVRData
import CVRModels
import CVRTraining
import CVRXGBoost

extension ModelCatalog {
  /// What `--models` lists by default (`--demo`): the paper's Table 2; "MetaCVR"
  /// expands to one "MetaCVR-<DMN>" per `--dmn` choice.
  package static let paperModels = ["BASE", "BASE-F", "DCN", "ESMM", "ESM2", "ESDF", "XGBoost", "MetaCVR"]

  /// The distance metrics of MetaCVR's DMN by `--dmn` spelling → the name suffix in reports
  /// (`--dmn all`); mulrelanet is the authors' code's (seeds-code.md §1.5).
  package static let distanceMetrics: [(flag: String, suffix: String)] = [
    ("spdm", "SPDM"), ("nndm", "NNDM"), ("cosine", "cosine"), ("euclidean", "Euclidean"), ("mulrelanet", "mulrelanet"),
  ]

  /// The `--dmn` default: the paper's four metrics (§3.2), what the demo runs.
  package static let paperDistanceMetrics = ["spdm", "nndm", "cosine", "euclidean"]

  /// Every model train-metacvr knows: each buildable kind of the model table
  /// (`ModelKinds`) under its own name, then the paper's protocol entries.
  package static func standard() -> ModelCatalog {
    var catalog = ModelCatalog()
    for kind in ModelKinds.all { if let entry = network(kind) { catalog.register(entry) } }
    // Fine-tuned copies trained further on D_r: BASE-F (paper §3.1.2), and LR-F
    // (the sanity baseline's, which the training machinery is tested with).
    catalog.register(fineTuned(name: "LR-F", of: "LR"))
    catalog.register(fineTuned(name: "BASE-F", of: "BASE"))
    catalog.register(Entry(name: "XGBoost", builder: .xgboost))
    for (flag, suffix) in distanceMetrics {
      catalog.register(metaCVR(name: "MetaCVR-\(suffix)", metric: DistanceMetric(rawValue: flag)!))
    }
    registerStageTwoProbes(&catalog)  // ModelCatalog+StageTwo.swift
    registerOracles(&catalog)
    return catalog
  }

  // MARK: Oracles (issue 15, point 4; beyond the paper): what knowing the occasion, or the truth, is worth.

  /// The oracle entries `--models` can name (none is in the paper's table).
  package static let oracleModels = ["BASE+occasion", "XGBoost+occasion", "TrueCVR"]

  /// BASE+occasion: BASE with the occasion one-hot at f_b's input (`occasionAtOutput`);
  /// XGBoost+occasion: XGBoost with the occasion code as a column; TrueCVR: the world's
  /// true CVR of each D_v row (the ceiling, where the data has a `truth: cvr` column).
  static func registerOracles(_ catalog: inout ModelCatalog) {
    catalog.register(Entry(name: "BASE+occasion", builder: .network { context in
      let defaults = context.preset == .demo ? BaseCVRModel.Config.demo : .paper
      var config = try context.options(BaseCVRModel.Config.self, defaults: defaults)
      config.occasionAtOutput = true
      let model = try BaseCVRModel(plan: context.plan, config: config, seed: context.seed)
      model.displayName = "BASE+occasion"
      return model
    }))
    var xgboost = Entry(name: "XGBoost+occasion", builder: .xgboost)
    xgboost.xgboostOccasion = true
    catalog.register(xgboost)
    catalog.register(Entry(name: "TrueCVR", builder: .trueCVR, stage: "truth"))
  }

  /// A network trained on D, named as its kind: the table's `build` with the
  /// preset's defaults and the config file's `model_options[name]` laid over
  /// them (nil for kinds built from another trained model).
  package static func network(_ kind: ModelKind) -> Entry? {
    guard let build = kind.build else { return nil }
    return Entry(name: kind.kind, builder: .network { context in try build(context.buildRequest) })
  }

  /// An entry that copies the trained `base` model of the same seed and trains it further on D_r.
  package static func fineTuned(name: String, of base: String) -> Entry {
    Entry(name: name, builder: .network { context in
      guard let trained = context.base else { throw TrainingError.config("\(name) needs the trained \(base)") }
      return try ModelKinds.copy(trained, schema: context.schema)
    }, trainSplit: .recent, after: base, stage: "fine-tune")
  }

  /// `names` with "MetaCVR" replaced by one "MetaCVR-<DMN>" per distance flag in `dmn`.
  package static func expand(_ names: [String], dmn: [String]) throws -> [String] {
    var out: [String] = []
    for name in names {
      guard name == "MetaCVR" else {
        if !out.contains(name) { out.append(name) }
        continue
      }
      for flag in dmn {
        guard let metric = distanceMetrics.first(where: { $0.flag == flag.lowercased() }) else {
          throw TrainingError.config(
            "--dmn '\(flag)' is not one of \(distanceMetrics.map(\.flag).joined(separator: ", ")), all")
        }
        let full = "MetaCVR-\(metric.suffix)"
        if !out.contains(full) { out.append(full) }
      }
    }
    return out
  }
}

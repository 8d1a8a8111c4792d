// The catalog train-metacvr runs: the paper's models by the names metrics.json
// uses. The lead registers the model classes of Sources/CVRModels here.
import CVRData
import CVRModels

extension ModelCatalog {
  /// What `--models` lists by default (`--demo`): the paper's Table 2; "MetaCVR"
  /// expands to one "MetaCVR-<DMN>" per `--dmn` choice.
  public static let paperModels = ["BASE", "BASE-F", "DCN", "ESMM", "ESM2", "ESDF", "XGBoost", "MetaCVR"]

  /// The distance metrics of MetaCVR's DMN by `--dmn` spelling → the name suffix in reports.
  public static let distanceMetrics: [(flag: String, suffix: String)] = [
    ("spdm", "SPDM"), ("nndm", "NNDM"), ("cosine", "cosine"), ("euclidean", "Euclidean"),
  ]

  /// Every model train-metacvr knows.
  public static func standard() -> ModelCatalog {
    var catalog = ModelCatalog()
    // Sanity baselines (also what the training machinery is tested with).
    catalog.register(network("LR", paper: LogisticRegressionModel.Config(), demo: .init()) {
      try LogisticRegressionModel(plan: $0, config: $1, seed: $2)
    })
    catalog.register(fineTuned(name: "LR-F", of: "LR"))
    catalog.register(Entry(name: "XGBoost", builder: .xgboost))
    // BASE-F (paper §3.1.2): BASE fine-tuned on D_r's clicked rows. Generic: it
    // needs only that ModelRegistry knows BASE's kind.
    catalog.register(fineTuned(name: "BASE-F", of: "BASE"))

    catalog.register(network("BASE", paper: BaseCVRModel.Config.paper, demo: .demo) {
      try BaseCVRModel(plan: $0, config: $1, seed: $2)
    })
    catalog.register(network("DCN", paper: DCNModel.Config.paper, demo: .demo) {
      try DCNModel(plan: $0, config: $1, seed: $2)
    })
    catalog.register(network("ESMM", paper: ESMMModel.Config.paper, demo: .demo) {
      try ESMMModel(plan: $0, config: $1, seed: $2)
    })
    catalog.register(network("ESM2", paper: ESM2Model.Config.paper, demo: .demo) {
      try ESM2Model(plan: $0, config: $1, seed: $2)
    })
    catalog.register(network("ESDF", paper: ESDFModel.Config.paper, demo: .demo) {
      try ESDFModel(plan: $0, config: $1, seed: $2)
    })
    for (flag, suffix) in distanceMetrics {
      catalog.register(metaCVR(name: "MetaCVR-\(suffix)", metric: DistanceMetric(rawValue: flag)!))
    }
    return catalog
  }

  /// A network trained on D: `make(plan, config, seed)` with the preset's default
  /// config and the config file's `model_options[name]` laid over it.
  static func network<Config: Codable>(
    _ name: String, paper: Config, demo: Config,
    _ make: @escaping (FeaturePlan, Config, UInt64) throws -> any CVRModel
  ) -> Entry {
    Entry(name: name, builder: .network { c in
      try make(c.plan, c.options(Config.self, defaults: c.preset == .demo ? demo : paper), c.seed)
    })
  }

  /// MetaCVR stage 2 (§2.3–2.5) on the trained BASE of the same seed: prototypes from
  /// support days of D_r (Eq. 3), the DMN with `metric`, the EPN; FRN and f_b frozen.
  static func metaCVR(name: String, metric: DistanceMetric) -> Entry {
    var entry = Entry(name: name, builder: .network { c in
      guard let trained = c.base as? BaseCVRModel else { throw TrainingError.config("\(name) needs the trained BASE") }
      // A copy, so BASE's own checkpoint and BASE-F start from untouched values.
      let base = try trained.copy()
      let prototypes = try Prototypes.compute(base: base, assembler: c.assembler, splits: c.splits, batchSize: 1024)
      let defaults = MetaCVRModel.Config(base: base.config, metric: metric, occasions: c.plan.occasions.count)
      var config = try c.options(MetaCVRModel.Config.self, defaults: defaults)
      config.base = base.config
      config.metric = metric
      let model = try MetaCVRModel(base: base, prototypes: prototypes, config: config, seed: c.seed)
      model.displayName = name
      return model
    }, trainSplit: .recent, after: "BASE", stage: "stage 2", prototypes: { model in
      guard let meta = model as? MetaCVRModel else { return nil }
      let labels = Prototypes.labels(occasionNames: meta.base.plan.occasions)
      return PrototypeSimilarity(cosine: meta.prototypes.cosineSimilarityMatrix(), labels: labels)
    })
    // Stage 2's optimiser is in neither the paper nor the authors' config (seeds-code.md
    // §1.8). D_r gives a few dozen steps per epoch and the EPN starts at BASE (zero
    // weight on the occasion scores), so stage 2 takes a larger Adagrad rate and more
    // epochs than stage 1; the held-out rows of D_r stop it.
    entry.training = .object(["learning_rate": .number(0.1), "max_epochs": .integer(60), "patience": .integer(6)])
    return entry
  }

  /// An entry that copies the trained `base` model of the same seed and trains it further on D_r.
  public static func fineTuned(name: String, of base: String) -> Entry {
    Entry(name: name, builder: .network { context in
      guard let trained = context.base else { throw TrainingError.config("\(name) needs the trained \(base)") }
      return try ModelCopy.copy(trained, schema: context.schema)
    }, trainSplit: .recent, after: base, stage: "fine-tune")
  }

  /// `names` with "MetaCVR" replaced by one "MetaCVR-<DMN>" per distance flag in `dmn`.
  public static func expand(_ names: [String], dmn: [String]) throws -> [String] {
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

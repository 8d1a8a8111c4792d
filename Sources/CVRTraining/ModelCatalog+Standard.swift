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
    catalog.register(Entry(name: "LR", builder: .network { context in
      try LogisticRegressionModel(plan: context.plan, config: context.options(LogisticRegressionModel.Config.self),
                                  seed: context.seed)
    }))
    catalog.register(fineTuned(name: "LR-F", of: "LR"))
    catalog.register(Entry(name: "XGBoost", builder: .xgboost))
    // BASE-F (paper §3.1.2): BASE fine-tuned on D_r's clicked rows. Generic: it
    // needs only that ModelRegistry knows BASE's kind.
    catalog.register(fineTuned(name: "BASE-F", of: "BASE"))

    // EXTENSION POINT (lead): the networks of Sources/CVRModels, e.g.
    //   catalog.register(Entry(name: "BASE", builder: .network { c in
    //     try BaseModel(plan: c.plan, config: c.options(BaseModel.Config.self), seed: c.seed) }))
    //   DCN, ESMM, ESM2, ESDF the same way (trainSplit .train);
    //   for (flag, suffix) in distanceMetrics {
    //     catalog.register(Entry(name: "MetaCVR-\(suffix)", builder: .network { c in
    //       // c.base is the trained BASE of this seed (frozen FRN + f_b); build the
    //       // prototypes from c.splits.supportSet(...) with c.assembler here.
    //       try MetaCVRModel(base: c.base!, distance: flag, splits: c.splits, assembler: c.assembler, …) },
    //       trainSplit: .recent, after: "BASE", stage: "stage 2",
    //       prototypes: { model in (model as? MetaCVRModel).map { PrototypeSimilarity(cosine: …, labels: …) } }))
    //   }
    return catalog
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

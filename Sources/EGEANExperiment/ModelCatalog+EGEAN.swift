// The catalog train-egean runs (EGEAN Table 2 and Table 3): the baselines under
// their kind names, EGEAN's variants and ablations as kind "EGEAN" with config
// keys, built on the "EGEAN-exposure" pre-training phase through ModelKinds.
import CVRCore
import CVRModels
import CVRTraining
import MetaCVRExperiment

extension ModelCatalog {
  /// Table 2's baselines (kinds of the same names; ESMM exists, the others are the
  /// kinds issue 13 adds).
  package static let egeanBaselines = ["ESMM", "MTL-IPS", "MTL-DR", "ESCM2-IPS", "ESCM2-DR", "DCMT", "DDPO", "AECM"]
  /// Table 2's EGEAN rows, the estimator fixed by the name.
  package static let egeanVariants = [("EGEAN+DR", "dr"), ("EGEAN+PVDR", "pvdr")]
  /// Table 3: `--ablations` spelling → name, and the EGEAN key the ablation turns off.
  package static let egeanAblations = [
    (flag: "en", name: "EGEAN w/o EN", key: "exposureTask"),
    (flag: "tpn", name: "EGEAN w/o TPN", key: "taskPersonalisation"),
    (flag: "ml", name: "EGEAN w/o ML", key: "metricLearning"),
  ]
  /// The exposure pre-training phase (kind "EGEAN-exposure"): trained first in each
  /// seed, handed to the EGEAN entries as their `base`, not listed in reports.
  package static let egeanPretraining = "EGEAN-exposure"
  /// The estimator of "EGEAN" and the ablations when neither `--estimator` nor
  /// `model_options` names one: PVDR, the paper's full model (Table 3's last row is
  /// EGEAN+PVDR's Table 2 row).
  package static let egeanDefaultEstimator = "pvdr"
  /// `--estimator` choices (EGEAN's `estimator` key).
  package static let egeanEstimators = ["dr", "pvdr"]
  /// Epochs of the pre-training phase: the paper gives none, and its in-batch
  /// exposure task has no held-out criterion the runner could stop on, so it trains
  /// a fixed number (`model_training: {EGEAN-exposure: {max_epochs: N}}` changes it).
  package static let egeanPretrainingEpochs = 2

  /// What `--models` lists by default (`--demo`): Table 2, then Table 3's ablations.
  package static var egeanPaperModels: [String] {
    egeanBaselines + egeanVariants.map(\.0) + egeanAblations.map(\.name)
  }

  /// The model kind each EGEAN-family name needs from the model table.
  package static func egeanKind(of name: String) -> String? {
    if name == egeanPretraining { return name }
    if name == "EGEAN" || egeanVariants.contains(where: { $0.0 == name }) || egeanAblations.contains(where: { $0.name == name }) {
      return "EGEAN"
    }
    return egeanBaselines.contains(name) ? name : nil
  }

  /// Every model train-egean knows: each buildable kind of the model table under its
  /// own name (the baselines among them), then the EGEAN family's entries:
  /// - "EGEAN-exposure": the kind's fresh `build`, trained on the exposures first;
  /// - "EGEAN" (estimator: `--estimator`, default PVDR), "EGEAN+DR", "EGEAN+PVDR",
  ///   "EGEAN w/o TPN" and "EGEAN w/o ML": after "EGEAN-exposure", through kind
  ///   "EGEAN"'s `ModelKind.pretrained` hook with the trained pre-training model
  ///   (the hand-over `EGEANModel(pretrained:config:seed:)` satisfies);
  /// - "EGEAN w/o EN": kind "EGEAN"'s fresh `build` with `exposureTask: false`
  ///   (no pre-training: the shared table trains jointly).
  /// A kind the model table lacks is a clear `TrainingError.config` when the entry
  /// is built (and `checkEGEANKinds` says so before anything trains).
  ///
  /// Hand-over: kind "EGEAN"'s table entry satisfies this catalog when it is
  /// `ModelKind.network(kind: "EGEAN", paper:, demo:) { EGEANModel(plan:config:seed:) }`
  /// `.building(onPretrained: ExposurePretrainModel.self, paper:, demo:) { EGEANModel(pretrained: $0, config: $1, seed: $2) }`,
  /// and kind "EGEAN-exposure"'s has a fresh `build`.
  package static func egean() -> ModelCatalog {
    var catalog = ModelCatalog()
    for kind in ModelKinds.all { if let entry = network(kind) { catalog.register(entry) } }
    for name in egeanBaselines where catalog.entry(name) == nil {
      catalog.register(Entry(name: name, builder: .network { _ in throw missingKind(name, for: name) }))
    }
    var pretraining = Entry(name: egeanPretraining, builder: .network { context in
      guard let build = ModelKinds.named(egeanPretraining)?.build else { throw missingKind(egeanPretraining, for: egeanPretraining) }
      return try build(context.buildRequest)
    }, stage: "pre-train")
    pretraining.listed = false
    pretraining.earlyStopping = false
    pretraining.training = .object(["max_epochs": .integer(Int64(egeanPretrainingEpochs))])
    catalog.register(pretraining)

    let chosen: JSONObject = ["estimator": .string(egeanDefaultEstimator)]
    catalog.register(egeanOnPretrained(name: "EGEAN", defaults: chosen, fixed: [:]))
    for (name, estimator) in egeanVariants {
      catalog.register(egeanOnPretrained(name: name, defaults: [:], fixed: ["estimator": .string(estimator)]))
    }
    for ablation in egeanAblations {
      let fixed: JSONObject = [ablation.key: .bool(false)]
      if ablation.flag == "en" {
        catalog.register(Entry(name: ablation.name, builder: .network { context in
          guard let build = ModelKinds.named("EGEAN")?.build else { throw missingKind("EGEAN", for: ablation.name) }
          return try build(request(context, defaults: chosen, fixed: fixed))
        }))
      } else {
        catalog.register(egeanOnPretrained(name: ablation.name, defaults: chosen, fixed: fixed))
      }
    }
    return catalog
  }

  /// An EGEAN entry built on the trained pre-training model of the same seed.
  static func egeanOnPretrained(name: String, defaults: JSONObject, fixed: JSONObject) -> Entry {
    Entry(name: name, builder: .network { context in
      guard let kind = ModelKinds.named("EGEAN") else { throw missingKind("EGEAN", for: name) }
      guard let make = kind.pretrained else {
        throw TrainingError.config(
          "\(name): model kind 'EGEAN' has no pre-trained builder (ModelKind.pretrained, set with "
            + "building(onPretrained:)), so it cannot be built on the trained \(egeanPretraining)")
      }
      guard let base = context.base else { throw TrainingError.config("\(name) needs the trained \(egeanPretraining)") }
      return try make(request(context, defaults: defaults, fixed: fixed), base)
    }, after: egeanPretraining)
  }

  /// The build request of `context` with its options over `defaults` and `fixed` (the
  /// name's own keys, e.g. EGEAN+DR's estimator) over both: a config file's
  /// `model_options` changes sizes and weights but not what the name says.
  static func request(_ context: ModelContext, defaults: JSONObject, fixed: JSONObject) -> ModelBuildRequest {
    var request = context.buildRequest
    request.options = JSONValue.object(defaults).merging(context.options).merging(.object(fixed))
    return request
  }

  static func missingKind(_ kind: String, for name: String) -> TrainingError {
    .config("\(name) needs model kind '\(kind)', which this build's model table (ModelKinds.all) does not have "
      + "(known kinds: \(ModelKinds.all.map(\.kind).joined(separator: ", ")))")
  }

  /// Throws `missingKind` for the first name of `order` whose kind the model table
  /// lacks (or, for the EGEAN entries built after pre-training, whose kind has no
  /// `pretrained` builder): before anything trains, not after an hour of baselines.
  package static func checkEGEANKinds(_ order: [String]) throws {
    for name in order {
      guard let kind = egeanKind(of: name) else { continue }
      guard let entry = ModelKinds.named(kind) else { throw missingKind(kind, for: name) }
      let onPretrained = kind == "EGEAN" && name != egeanAblations[0].name
      if onPretrained, entry.pretrained == nil {
        throw TrainingError.config(
          "\(name): model kind 'EGEAN' has no pre-trained builder (ModelKind.pretrained), so it cannot be built on "
            + "the trained \(egeanPretraining)")
      }
      if !onPretrained, entry.build == nil { throw TrainingError.config("\(name): model kind '\(kind)' has no fresh build") }
    }
  }
}

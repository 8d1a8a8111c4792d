// Name → how to build and train a model, for the experiment runner: which
// split it trains on, and whether it builds on another trained model (stage 2).
import CVRCore
import CVRData
import CVRModels
import CVRTraining
import CVRXGBoost

/// What a model factory receives.
package struct ModelContext {
  /// The catalog name being built ("BASE", "MetaCVR-SPDM", …).
  package let name: String
  package let schema: DataSchema
  package let plan: FeaturePlan
  package let splits: DataSplits
  package let assembler: BatchAssembler
  /// The seed of this run (weights, shuffles, dropout).
  package let seed: UInt64
  /// The config file's `model_options[name]` (an empty object when absent).
  package let options: JSONValue
  /// The trained model named by the entry's `after` (same seed), already at its best epoch.
  package let base: (any CVRModel)?
  /// Which default sizes the factories start from.
  package var preset = ModelPreset.paper

  package init(name: String, schema: DataSchema, plan: FeaturePlan, splits: DataSplits, assembler: BatchAssembler,
              seed: UInt64, options: JSONValue, base: (any CVRModel)?) {
    self.name = name
    self.schema = schema
    self.plan = plan
    self.splits = splits
    self.assembler = assembler
    self.seed = seed
    self.options = options
    self.base = base
  }

  /// `defaults` with `options` merged over it key by key (nested objects merge too),
  /// so a config file names only what it changes.
  package func options<T: Codable>(_ type: T.Type, defaults: T) throws -> T {
    try buildRequest.configuration(type, defaults: defaults)
  }

  /// What the model table's `build` receives for this entry.
  package var buildRequest: ModelBuildRequest {
    ModelBuildRequest(name: name, plan: plan, options: options, preset: preset, seed: seed)
  }
}

/// The prototype cosine similarities of a MetaCVR model (paper Fig. 2), for the heatmap.
package struct PrototypeSimilarity: Sendable, Equatable {
  /// cosine[i][j] = ⟨p_i, p_j⟩ / (‖p_i‖‖p_j‖) over the labelled prototypes.
  package var cosine: [[Double]]
  package var labels: [String]
  package init(cosine: [[Double]], labels: [String]) {
    self.cosine = cosine
    self.labels = labels
  }
}

/// The models an experiment can run, by name.
package struct ModelCatalog {
  package struct Entry {
    package enum Builder {
      /// A network trained by `Trainer` on the entry's split.
      case network((ModelContext) throws -> any CVRModel)
      /// The XGBoost baseline (`XGBoostRunner`, clicked rows of D).
      case xgboost
      /// Not a model: D_v's true CVR from the data's truth column (`truth: cvr`), the
      /// ceiling no model can beat on average; an error when the data has none.
      case trueCVR
    }

    package var name: String
    package var builder: Builder
    /// The split it trains on: D (.train) or D_r (.recent, stage 2 and fine-tuning).
    package var trainSplit: Split
    /// A model trained before this one in the same seed, handed over as `ModelContext.base`
    /// ("BASE" for BASE-F and MetaCVR-*). The runner trains it first even if not asked for.
    package var after: String?
    /// The progress line's stage label.
    package var stage: String
    /// For models with occasion prototypes: their cosine matrix (report heatmap).
    package var prototypes: ((any CVRModel) -> PrototypeSimilarity?)?
    /// Training settings of this entry laid over the experiment's `training` (a config
    /// file's `model_training` still overrides them): e.g. stage 2's own learning rate.
    package var training: JSONValue = .object([:])
    /// Whether reports list it: false for a phase other entries build on and that is
    /// not a model of the paper's tables (EGEAN's exposure pre-training).
    package var listed = true
    /// Whether early stopping watches held-out rows: false trains `max_epochs` and keeps
    /// the last epoch (a phase whose own task has no held-out criterion, as EGEAN's
    /// in-batch exposure pre-training; its CVR output, if any, would be a meaningless guide).
    package var earlyStopping = true
    /// XGBoost only: give the trees the occasion code (the named variant "XGBoost+occasion").
    package var xgboostOccasion = false

    package init(name: String, builder: Builder, trainSplit: Split = .train, after: String? = nil,
                stage: String = "train", prototypes: ((any CVRModel) -> PrototypeSimilarity?)? = nil) {
      self.name = name
      self.builder = builder
      self.trainSplit = trainSplit
      self.after = after
      self.stage = stage
      self.prototypes = prototypes
    }
  }

  package private(set) var entries: [Entry] = []

  package init() {}

  /// Adds `entry`, replacing one of the same name.
  package mutating func register(_ entry: Entry) {
    if let i = entries.firstIndex(where: { $0.name == entry.name }) { entries[i] = entry } else { entries.append(entry) }
  }

  package func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

  /// The file name stem of `name`'s checkpoints and run records: the name with
  /// "/" and " " (which EGEAN's ablation names hold) spelled "-"/"wo": "EGEAN w/o EN"
  /// → "EGEAN-wo-EN"; a name without them is its own stem.
  package static func fileStem(_ name: String) -> String {
    name.replacingOccurrences(of: " w/o ", with: "-wo-").replacingOccurrences(of: "/", with: "-")
      .replacingOccurrences(of: " ", with: "-")
  }
  package var names: [String] { entries.map(\.name) }

  /// `names` with every `after` dependency placed before its dependents (added
  /// when missing), otherwise in the given order. Throws for an unknown name or a cycle.
  package func trainingOrder(_ names: [String]) throws -> [String] {
    var order: [String] = [], visiting: Set<String> = []
    func visit(_ name: String) throws {
      guard !order.contains(name) else { return }
      guard let entry = entry(name) else {
        throw TrainingError.config("model '\(name)' is not in the catalog (known: \(self.names.joined(separator: ", ")))")
      }
      guard visiting.insert(name).inserted else { throw TrainingError.config("model '\(name)' depends on itself") }
      if let after = entry.after { try visit(after) }
      order.append(name)
    }
    for name in names { try visit(name) }
    return order
  }
}

// Everything an experiment run depends on, as one YAML document: data, day
// ranges, models, seeds, training settings and per-model options. Read from
// --config, overridden by flags, and written back resolved as DIR/config.yaml.
import CVRConfigFile
import CVRCore
import CVRData
import CVRMetrics
import CVRModels
import CVRTraining
import CVRXGBoost
import Foundation
import Yams

/// The XGBoost baseline's settings in a config file (defaults: the paper's).
package struct XGBoostSettings: Codable, Equatable, Sendable {
  package var rounds = 70
  package var maxDepth = 5
  package var minChildWeight = 10.0
  package var subsample = 0.6
  package var columnSubsample = 0.6
  package var learningRate = 0.3
  /// Add out-of-fold smoothed per-id conversion rates as features (see `XGBoostFeatures`; off: the paper's features).
  package var targetEncoding = false

  package init() {}

  enum CodingKeys: String, CodingKey {
    case rounds, maxDepth = "max_depth", minChildWeight = "min_child_weight", subsample
    case columnSubsample = "colsample_bytree", learningRate = "eta", targetEncoding = "target_encoding"
  }

  package init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = XGBoostSettings()
    rounds = try c.decodeIfPresent(Int.self, forKey: .rounds) ?? d.rounds
    maxDepth = try c.decodeIfPresent(Int.self, forKey: .maxDepth) ?? d.maxDepth
    minChildWeight = try c.decodeIfPresent(Double.self, forKey: .minChildWeight) ?? d.minChildWeight
    subsample = try c.decodeIfPresent(Double.self, forKey: .subsample) ?? d.subsample
    columnSubsample = try c.decodeIfPresent(Double.self, forKey: .columnSubsample) ?? d.columnSubsample
    learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
    targetEncoding = try c.decodeIfPresent(Bool.self, forKey: .targetEncoding) ?? d.targetEncoding
  }

  /// The library parameters for one seed and thread count.
  package func parameters(seed: UInt64, threads: Int?) -> XGBoostParameters {
    var p = XGBoostParameters()
    p.rounds = rounds
    p.maxDepth = maxDepth
    p.minChildWeight = minChildWeight
    p.subsample = subsample
    p.columnSubsample = columnSubsample
    p.learningRate = learningRate
    p.seed = seed
    p.threads = threads ?? 0
    return p
  }
}

/// One experiment, fully described. Every key is optional in a file.
package struct ExperimentConfig: Codable, Equatable, Sendable {
  /// The CSV/TSV data file and its schema (paths as given).
  package var data: String?
  package var schema: String?
  /// D, D_r and D_v as "A-B" day indices (see `DayRange.parse`).
  package var trainDays: String?
  package var recentDays: String?
  package var validDays: String?
  /// D, D_r and D_v as three files instead (see `SplitFiles`): no day column needed.
  package var trainFile: String?
  package var recentFile: String?
  package var validFile: String?
  /// A test file beside `data` (train-egean's `--test-data`): `data` is the whole
  /// training split and this file the evaluation split, both of one schema, no day
  /// column needed (the public Ali-CCP and AliExpress sets come as train and test files).
  package var testFile: String?
  /// A public data set's processed layout instead of `schema` ("ali-ccp" or
  /// "aliexpress", train-egean's `--format`): the schema is that format's preset.
  package var format: String?
  /// Catalog names; "MetaCVR" expands per `dmn`.
  package var models = ModelCatalog.paperModels
  /// Distance metrics for MetaCVR: spdm, nndm, cosine, euclidean (the default), mulrelanet.
  package var dmn = ModelCatalog.paperDistanceMetrics
  package var seeds: [UInt64] = [1, 2, 3]
  /// Engine threads (nil: OPENBLAS_NUM_THREADS or every core).
  package var threads: Int?
  /// The sparse column GAUC groups by (nil: user_id, else the first user-group sparse column).
  package var userColumn: String?
  /// Training settings of every network.
  package var training = TrainingConfig()
  /// Per model name, training keys that differ (e.g. {"BASE-F": {"max_epochs": 3}}).
  package var modelTraining: [String: JSONValue] = [:]
  /// Per model name, its architecture options (its Config's keys).
  package var modelOptions: [String: JSONValue] = [:]
  package var xgboost = XGBoostSettings()
  /// Default model sizes: "paper" (MetaCVR §3.1.3 and workload M1) or "demo"
  /// (narrower networks for the small simulated world); `model_options` override either.
  /// nil: "paper", or "demo" under `--demo`.
  package var preset: ModelPreset?
  /// Share of the training split's clicked rows held out (seeded, the same rows for
  /// every model) for early stopping; the networks never train on them and D_v
  /// stays untouched until the final evaluation.
  package var holdout = 0.1
  /// The `training` keys a config file set (or `--epochs`): they win over a
  /// catalog entry's own defaults (MetaCVR stage 2's 60 epochs), so a global
  /// `training.max_epochs` reaches every model. Not encoded: `foldCatalogDefaults`
  /// writes the entry defaults that still apply into `model_training`, so the
  /// written config.yaml gives the same settings when every key reads as set.
  package var explicitTraining = ExplicitKeys()
  /// The top-level keys a config file set, so a protocol with other defaults
  /// (train-egean's models and optimiser) knows what the file left to it. Not encoded.
  package var explicitKeys = ExplicitKeys()
  /// The flags the day-range errors name (train-egean calls D_v "--test-days"). Not encoded.
  package var dayFlags = DayFlags()

  package init() {}

  enum CodingKeys: String, CodingKey, CaseIterable {
    case data, schema, trainDays = "train_days", recentDays = "recent_days", validDays = "valid_days", models, dmn
    case trainFile = "train_file", recentFile = "recent_file", validFile = "valid_file"
    case seeds, threads, userColumn = "user_column", training, modelTraining = "model_training"
    case modelOptions = "model_options", xgboost, preset, holdout, testFile = "test_file", format
  }

  package init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = ExperimentConfig()
    explicitKeys.keys = Set(c.allKeys.map(\.rawValue))
    data = try c.decodeIfPresent(String.self, forKey: .data)
    schema = try c.decodeIfPresent(String.self, forKey: .schema)
    trainDays = try c.decodeIfPresent(String.self, forKey: .trainDays)
    recentDays = try c.decodeIfPresent(String.self, forKey: .recentDays)
    validDays = try c.decodeIfPresent(String.self, forKey: .validDays)
    trainFile = try c.decodeIfPresent(String.self, forKey: .trainFile)
    recentFile = try c.decodeIfPresent(String.self, forKey: .recentFile)
    validFile = try c.decodeIfPresent(String.self, forKey: .validFile)
    models = try c.decodeIfPresent([String].self, forKey: .models) ?? d.models
    dmn = try c.decodeIfPresent([String].self, forKey: .dmn) ?? d.dmn
    seeds = try c.decodeIfPresent([UInt64].self, forKey: .seeds) ?? d.seeds
    threads = try c.decodeIfPresent(Int.self, forKey: .threads)
    userColumn = try c.decodeIfPresent(String.self, forKey: .userColumn)
    training = try c.decodeIfPresent(TrainingConfig.self, forKey: .training) ?? d.training
    if c.contains(.training), (try? c.decodeNil(forKey: .training)) == false {
      explicitTraining.keys = Set(try c.nestedContainer(keyedBy: AnyKey.self, forKey: .training).allKeys.map(\.stringValue))
    }
    modelTraining = try c.decodeIfPresent([String: JSONValue].self, forKey: .modelTraining) ?? [:]
    modelOptions = try c.decodeIfPresent([String: JSONValue].self, forKey: .modelOptions) ?? [:]
    xgboost = try c.decodeIfPresent(XGBoostSettings.self, forKey: .xgboost) ?? d.xgboost
    preset = try c.decodeIfPresent(ModelPreset.self, forKey: .preset)
    holdout = try c.decodeIfPresent(Double.self, forKey: .holdout) ?? d.holdout
    testFile = try c.decodeIfPresent(String.self, forKey: .testFile)
    format = try c.decodeIfPresent(String.self, forKey: .format)
  }

  /// Parses a YAML (or JSON) config; unknown keys are errors (a typo must not be ignored).
  package static func parse(_ text: String, file: String = "<config>") throws -> ExperimentConfig {
    let top: [String: Any]?
    do {
      top = try ConfigFile.mapping(text, file: file)
      if let bad = ConfigFile.unknownKey(in: top, known: CodingKeys.allCases.map(\.rawValue), file: file) { throw bad }
      if let bad = ConfigFile.unknownKey(in: top?["training"] as? [String: Any], known: TrainingConfig.keys, file: file,
                                         section: "training") { throw bad }
    } catch let error as ConfigFileError { throw TrainingError.config(error.description) }
    guard top != nil else { return ExperimentConfig() }
    do { return try YAMLDecoder().decode(ExperimentConfig.self, from: text) } catch {
      throw TrainingError.config("\(file): \(ConfigDecodingMessage.describe(error, top: top))")
    }
  }

  /// Reads a config file. Relative `data` and `schema` paths are resolved against
  /// the file's own directory (not the working directory), so a config works from
  /// wherever it is run.
  package static func load(from url: URL) throws -> ExperimentConfig {
    let text: String
    do { text = try ConfigFile.text(of: url) } catch let error as ConfigFileError { throw TrainingError.config(error.description) }
    var config = try parse(text, file: url.path)
    let directory = url.deletingLastPathComponent()
    config.data = config.data.map { resolve($0, against: directory) }
    config.schema = config.schema.map { resolve($0, against: directory) }
    config.trainFile = config.trainFile.map { resolve($0, against: directory) }
    config.recentFile = config.recentFile.map { resolve($0, against: directory) }
    config.validFile = config.validFile.map { resolve($0, against: directory) }
    config.testFile = config.testFile.map { resolve($0, against: directory) }
    return config
  }

  /// The config file at `path` (`--config`), or the defaults without one.
  package static func load(optional path: String?) throws -> ExperimentConfig {
    try path.map { try load(from: URL(fileURLWithPath: $0)) } ?? ExperimentConfig()
  }

  /// `path` if absolute (or `~/…`), else `directory/path`, standardised (`ConfigFile.resolve`).
  package static func resolve(_ path: String, against directory: URL) -> String { ConfigFile.resolve(path, against: directory) }

  /// The YAML text `parse` reads back. Numbers are written so YAML 1.2 readers
  /// (core schema) read them as numbers too: `1e-2`, which Yams writes for small
  /// doubles, is a string there, so exponents get a decimal point and a sign (`1.0e-2`).
  package func yaml() throws -> String { YAMLNumbers.portable(try YAMLEncoder().encode(self)) }

  /// The three day ranges, checked against each other: D_r inside D, D_v after
  /// D without overlap. Throws `TrainingError.config` with the flag names.
  package func dayRanges() throws -> (train: DayRange, recent: DayRange, valid: DayRange) {
    if testFile != nil {
      guard !usesSplitFiles, trainDays == nil, recentDays == nil, validDays == nil else {
        throw TrainingError.config("--test-data makes --data the training split and itself the test split: drop the day ranges")
      }
      return SplitFiles.trainTestRanges
    }
    if usesSplitFiles {
      guard trainFile != nil, recentFile != nil, validFile != nil else {
        throw TrainingError.config("give --train-file, --recent-file and --valid-file together")
      }
      guard data == nil, trainDays == nil, recentDays == nil, validDays == nil else {
        throw TrainingError.config(
          "--train-file, --recent-file and --valid-file replace --data and the day ranges: give one or the other")
      }
      return SplitFiles.ranges
    }
    let (trainFlag, recentFlag, validFlag) = (dayFlags.train, dayFlags.recent, dayFlags.valid)
    guard let trainDays, let recentDays, let validDays else {
      throw TrainingError.config(dayFlags.missing)
    }
    let train = try DayRange.parse(trainDays, what: trainFlag)
    let recent = try DayRange.parse(recentDays, what: recentFlag)
    let valid = try DayRange.parse(validDays, what: validFlag)
    guard train.contains(recent) else {
      throw TrainingError.config("\(recentFlag) \(recent.text) must lie inside \(trainFlag) \(train.text)")
    }
    guard !train.overlaps(valid) else {
      throw TrainingError.config("\(validFlag) \(valid.text) overlaps \(trainFlag) \(train.text): validation must be unseen days")
    }
    guard valid.lower > train.upper else {
      throw TrainingError.config(
        "\(validFlag) \(valid.text) lie before \(trainFlag) \(train.text): validation must come after the training days")
    }
    return (train, recent, valid)
  }

  /// Checks everything that can be checked without the data.
  package func validate() throws {
    _ = try dayRanges()
    if let format, PublicFormat(rawValue: format) == nil {
      throw TrainingError.config(
        "--format '\(format.prefix(40))' is not one of \(PublicFormat.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    if format != nil, schema != nil {
      throw TrainingError.config("--format gives the schema of its layout: drop --schema (or drop --format)")
    }
    guard data != nil || usesSplitFiles, schema != nil || format != nil else {
      throw TrainingError.config("give --data and --schema (or --demo, or --train-file, --recent-file, --valid-file and --schema)")
    }
    guard !models.isEmpty else { throw TrainingError.config("--models lists no model") }
    guard !seeds.isEmpty else { throw TrainingError.config("--seeds lists no seed") }
    guard Set(seeds).count == seeds.count else { throw TrainingError.config("--seeds repeats a seed") }
    if let threads, threads < 1 { throw TrainingError.config("threads must be at least 1, got \(threads)") }
    guard holdout > 0 && holdout < 1 else {
      throw TrainingError.config(
        "holdout \(holdout) must be in (0, 1): it is the share of D's clicked rows early stopping watches (default 0.1)")
    }
    if dmn != ModelCatalog.paperDistanceMetrics, !models.contains(where: Self.isMetaCVR) {
      throw TrainingError.config(
        "dmn [\(dmn.joined(separator: ", "))] chooses MetaCVR's distance metric, but models [\(models.joined(separator: ", "))] "
          + "include no MetaCVR: add MetaCVR to the models or drop dmn")
    }
    try training.validate()
    for name in modelTraining.keys.sorted() { try training(for: name).validate() }
  }

  /// Whether D, D_r and D_v come from three files (`SplitFiles`) rather than day ranges of `data`.
  package var usesSplitFiles: Bool { trainFile != nil || recentFile != nil || validFile != nil }

  /// The files the data is read from, for the "loading …" status line.
  package var sourceDescription: String {
    if usesSplitFiles { return [trainFile, recentFile, validFile].map { $0 ?? "?" }.joined(separator: ", ") }
    return (data ?? "?") + (testFile.map { ", \($0)" } ?? "")
  }

  /// Where each split's rows come from, for status lines and the report.
  package func splitSource(_ split: Split) -> String {
    guard usesSplitFiles else {
      return "days " + ((split == .train ? trainDays : split == .recent ? recentDays : validDays) ?? "?")
    }
    let file = (split == .train ? trainFile : split == .recent ? recentFile : validFile) ?? "?"
    return split == .train ? "\(file) + the recent file" : file
  }

  static func isMetaCVR(_ name: String) -> Bool { name == "MetaCVR" || name.hasPrefix("MetaCVR-") }

  /// Every `model_training` and `model_options` key must name a model of `catalog`
  /// (a typo would otherwise be ignored). Returns a warning per named model that
  /// this run does not train (`order`: the expanded run order).
  package func checkModelNames(catalog: ModelCatalog, order: [String]) throws -> [String] {
    var warnings: [String] = []
    for (key, names) in [("model_training", modelTraining.keys.sorted()), ("model_options", modelOptions.keys.sorted())] {
      for name in names {
        guard catalog.entry(name) != nil else {
          throw TrainingError.config(
            "\(key): unknown model '\(name.prefix(80))' (known: \(catalog.names.joined(separator: ", ")))")
        }
        if !order.contains(name) { warnings.append("\(key).\(name) is set, but this run does not train \(name)") }
      }
    }
    return warnings
  }

  /// What every command does once the flags are applied, before any file is
  /// written: the `model_training`/`model_options` names checked, the catalog's
  /// training defaults folded in, every value validated (each model's training
  /// config too). Returns the warnings to print.
  package mutating func finish(catalog: ModelCatalog, order: [String]) throws -> [String] {
    let warnings = try checkModelNames(catalog: catalog, order: order)
    foldCatalogDefaults(catalog, order: order)
    try validate()
    for name in order { _ = try training(for: name, defaults: catalog.entry(name)!.training) }
    return warnings
  }

  /// Sets every model's `max_epochs` to `epochs` (`--epochs`): the global setting,
  /// the catalog defaults (it becomes explicit) and every `model_training` entry.
  package mutating func overrideEpochs(_ epochs: Int) {
    training.maxEpochs = epochs
    explicitTraining.keys.insert("max_epochs")
    for (name, value) in modelTraining {
      guard case .object(var keys) = value, keys["max_epochs"] != nil else { continue }
      keys["max_epochs"] = .integer(Int64(epochs))
      modelTraining[name] = .object(keys)
    }
  }

  /// Writes each run model's catalog training defaults that no explicit global key
  /// overrides into `model_training[name]` (under the keys it does not set), so the
  /// config says every setting a model trains with and reads back the same.
  package mutating func foldCatalogDefaults(_ catalog: ModelCatalog, order: [String]) {
    for name in order {
      guard let entry = catalog.entry(name), case .object(let defaults) = entry.training, !defaults.isEmpty else { continue }
      var own = JSONObject()
      if case .object(let existing)? = modelTraining[name] { own = existing }
      var changed = false
      for (key, value) in defaults.members where !explicitTraining.keys.contains(key) && own[key] == nil {
        own[key] = value
        changed = true
      }
      if changed { modelTraining[name] = .object(own) }
    }
  }

  /// The training config of model `name`: `training` with `model_training[name]` applied.
  /// The entry's `defaults` apply under the keys the config's `training` did not set.
  package func training(for name: String, defaults: JSONValue = .object([:])) throws -> TrainingConfig {
    var defaults = defaults
    if case .object(let keys) = defaults {
      defaults = .object(JSONObject(keys.members.filter { !explicitTraining.keys.contains($0.key) }.map { ($0.key, $0.value) }))
    }
    let base = try training.overriding(with: defaults)
    guard let overrides = modelTraining[name] else { return base }
    do { return try base.overriding(with: overrides) } catch TrainingError.config(let why) {
      throw TrainingError.config("model_training.\(name): \(why)")
    }
  }
}

/// Keys a config file set: where a value came from, not what it is, so two
/// configs with the same values are equal however they were made.
package struct ExplicitKeys: Equatable, Sendable {
  package var keys: Set<String> = []
  package init() {}
  package static func == (_: ExplicitKeys, _: ExplicitKeys) -> Bool { true }
}

/// The flag names of the three day ranges in errors, and the message when one is
/// missing. Equal whatever they hold (they say how to talk to the user, not what runs).
package struct DayFlags: Equatable, Sendable {
  package var train = "--train-days", recent = "--recent-days", valid = "--valid-days"
  package var missing = "give --train-days, --recent-days and --valid-days (or --demo)"
  package init() {}
  package static func == (_: DayFlags, _: DayFlags) -> Bool { true }
}

/// Any key of a mapping (to list what a nested mapping holds).
struct AnyKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

// train-egean's protocol over the shared experiment runner: its defaults (the
// models of Tables 2 and 3, EGEAN §3.0.3's optimiser and batch), the --estimator
// and --ablations choices, and the demo's selection-bias world.
import CVRCore
import CVRSimulation
import CVRTraining
import Foundation
import MetaCVRExperiment

package enum EGEANProtocol {
  /// EGEAN §3.0.3: "the batch size is set to 1024 and we employ the Adam optimizer
  /// with a learning rate of [1e-3] and weight decay of [1e-6]" (our copy lost the
  /// numbers; issue 13 restores them), for all methods alike.
  package static let batchSize = 1024
  package static let learningRate = 1e-3
  package static let weightDecay: Float = 1e-6

  /// Adam with coupled L2 weight decay 1e-6 (`Trainer.adam`), for every model.
  package static var optimizer: Trainer.OptimizerFactory { Trainer.adam(weightDecay: weightDecay) }

  /// The protocol's defaults under every key the config file did not set:
  /// the models (Tables 2 and 3), batch size and learning rate; early stopping
  /// stays the shared default, CVR AUC (on held-out exposures of the training days).
  package static func applyDefaults(_ config: inout ExperimentConfig) {
    if !config.explicitKeys.keys.contains("models") { config.models = ModelCatalog.egeanPaperModels }
    if !config.explicitTraining.keys.contains("batch_size") { config.training.batchSize = batchSize }
    if !config.explicitTraining.keys.contains("learning_rate") { config.training.learningRate = learningRate }
  }

  /// `--ablations`: "all", "none" or a comma list of en, tpn, ml. Replaces the
  /// ablations among `models` by the chosen ones (appended in Table 3's order).
  package static func applyAblations(_ text: String, to models: inout [String]) throws {
    let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
    let known = ModelCatalog.egeanAblations.map(\.flag)
    var chosen: [String] = []
    for item in items {
      switch item {
      case "all": chosen = known
      case "none": chosen = []
      default:
        guard known.contains(item) else {
          throw TrainingError.config("--ablations '\(item.prefix(40))' is not one of \(known.joined(separator: ", ")), all, none")
        }
        if !chosen.contains(item) { chosen.append(item) }
      }
    }
    guard !items.isEmpty else { throw TrainingError.config("--ablations lists nothing (give all, none or en,tpn,ml)") }
    let names = Set(ModelCatalog.egeanAblations.map(\.name))
    models.removeAll { names.contains($0) }
    models += ModelCatalog.egeanAblations.filter { chosen.contains($0.flag) }.map(\.name)
  }

  /// `--estimator`: EGEAN's `estimator` key of "EGEAN" and every ablation in
  /// `order` (EGEAN+DR and EGEAN+PVDR keep theirs), written into `model_options`
  /// so config.yaml records it.
  package static func applyEstimator(_ estimator: String, to config: inout ExperimentConfig, order: [String]) throws {
    let value = estimator.lowercased()
    guard ModelCatalog.egeanEstimators.contains(value) else {
      throw TrainingError.config(
        "--estimator '\(estimator.prefix(40))' is not one of \(ModelCatalog.egeanEstimators.joined(separator: ", "))")
    }
    let targets = ["EGEAN"] + ModelCatalog.egeanAblations.map(\.name)
    for name in order where targets.contains(name) {
      var options = JSONObject()
      if case .object(let existing)? = config.modelOptions[name] { options = existing }
      options["estimator"] = .string(value)
      config.modelOptions[name] = .object(options)
    }
  }
}

/// `--demo`: the selection-bias world (EGEAN's setting: clicks and conversions
/// depend on the covariates through different functions) written under DIR/data.
package enum EGEANDemo {
  /// The world's seed: every demo run reads the same bytes.
  package static let worldSeed: UInt64 = 42
  /// `SelectionBiasWorld.Config.small`: 150 000 exposures over 14 days. Days 0–11
  /// train (10 % of their exposures held out for early stopping), days 12–13 test.
  package static let world = SelectionBiasWorld.Config.small
  package static let trainDays = "0-11", testDays = "12-13"
  /// Epoch cap of every demo model (patience 3 within it), sized for the
  /// 15-minute budget of 13 models × 3 seeds on 2 cores.
  package static let epochs = 5

  package static func directory(output: URL) -> URL { output.appendingPathComponent("data", isDirectory: true) }

  /// Points the config at the world and fills what the config and flags left unset.
  package static func configure(_ config: inout ExperimentConfig, output: URL) {
    let directory = directory(output: output)
    config.data = directory.appendingPathComponent("data.csv").path
    config.schema = directory.appendingPathComponent("schema.yaml").path
    config.trainDays = config.trainDays ?? trainDays
    config.recentDays = config.recentDays ?? config.trainDays
    config.validDays = config.validDays ?? testDays
    config.preset = config.preset ?? .demo
    if !config.explicitTraining.keys.contains("max_epochs") { config.training.maxEpochs = epochs }
  }

  /// Writes the world where `configure` pointed the config.
  package static func write(output: URL, log: (String) -> Void) throws {
    let directory = directory(output: output)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    log("writing SelectionBiasWorld.small (seed \(worldSeed)) into \(directory.path)")
    _ = try SelectionBiasWorld.write(world, seed: worldSeed, to: directory)
  }
}

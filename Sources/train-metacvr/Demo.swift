// `--demo` and `--world NAME`: a named DDF world (the demo's: DDFWorld.small,
// seed 42) written under DIR/data, with the day ranges it is meant for (eight
// weeks of training, its last two weeks recent, the next two weeks validation).
import CVRCore
import CVRData
import CVRSimulation
import CVRTraining
import Foundation
import MetaCVRExperiment

enum Demo {
  /// The world's seed: fixed, so every demo run reads the same bytes.
  static let worldSeed: UInt64 = 42
  /// Days 0…55 (8 weeks) train, 42…55 recent, 56…69 valid. Promotions sit in the
  /// middle of each 14-day block (days 4–10 of it), so D_r and D_v each hold one
  /// whole BP/DP/AP cycle and NP days (`checkOccasions` verifies it on the data).
  static let train = DDFNamedWorld.demo.train, recent = DDFNamedWorld.demo.recent, valid = DDFNamedWorld.demo.valid
  /// Epochs of ESMM, ESM2 and ESDF in the demo.
  static let entireSpaceEpochs = 8

  /// Their epochs on `world`: the demo's 8 passes over the demo's exposures, spread over
  /// the world's (at least 2): 2 on the 5x worlds, so one training seed of the whole
  /// catalog stays well under 15 minutes on 2 cores (8 epochs of ESMM alone took 11 minutes
  /// there). A time budget, not a tuned value; the report's best epochs show the cap.
  static func entireSpaceEpochs(_ world: DDFNamedWorld) -> Int {
    let demo = DDFNamedWorld.demo.config, c = world.config
    let ratio = Double(demo.days * demo.exposuresPerDay) / Double(c.days * c.exposuresPerDay)
    return max(2, min(entireSpaceEpochs, Int((Double(entireSpaceEpochs) * ratio).rounded())))
  }

  /// The directory the world is written into.
  static func directory(output: URL) -> URL { output.appendingPathComponent("data", isDirectory: true) }

  /// Fills what the config and flags left unset (called after both are applied)
  /// without writing anything, so every argument is checked before a file is made.
  static func configure(_ config: inout ExperimentConfig, output: URL, world: DDFNamedWorld = .demo) {
    let directory = directory(output: output)
    config.data = directory.appendingPathComponent("data.csv").path
    config.schema = directory.appendingPathComponent("schema.yaml").path
    config.trainDays = config.trainDays ?? world.train
    config.recentDays = config.recentDays ?? world.recent
    config.validDays = config.validDays ?? world.valid
    config.preset = config.preset ?? .demo
    // The ten-minute budget (3 seeds, 2 cores): the entire-space models read all
    // 110 000 exposures of D per epoch (8x BASE's clicks), so the demo caps their
    // epochs. Within the cap they run every epoch (their CVR towers learn only
    // through products with pCTR and can sit flat for a few epochs; ESM2 seed 3
    // stopped at 0.50 with patience 3) and the held-out rows pick the best one.
    // A config file's model_training, its training.max_epochs and --epochs win
    // over this, and only models the run trains get the cap.
    guard !config.explicitTraining.keys.contains("max_epochs") else { return }
    let epochs = JSONValue.integer(Int64(entireSpaceEpochs(world)))
    for name in ["ESMM", "ESM2", "ESDF"] where config.modelTraining[name] == nil && config.models.contains(name) {
      config.modelTraining[name] = .object(["max_epochs": epochs, "patience": epochs])
    }
  }

  /// Writes `world` at `seed` where `configure` pointed the config.
  static func write(output: URL, world: DDFNamedWorld = .demo, seed: UInt64 = worldSeed, log: (String) -> Void) throws {
    let directory = directory(output: output)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    log("writing DDF world \(world.name) (seed \(seed)) into \(directory.path)")
    _ = try DDFWorld.write(world.config, seed: seed, to: directory)
  }

  /// Every occasion has clicked rows in D_r (support sets) and in D_v (evaluation).
  static func checkOccasions(_ data: ExperimentData) throws {
    for split in [Split.recent, .valid] {
      for (name, clicks) in data.occasionCounts(split) where clicks == 0 {
        throw TrainingError.data("demo: occasion \(name) has no clicked row in the \(split.rawValue) days")
      }
    }
  }
}

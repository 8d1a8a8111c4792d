// `--demo`: the small DDF world, written under DIR/data, with the day ranges
// that mirror MetaCVR's setting (eight weeks of training, its last two weeks
// recent, the next two weeks validation).
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
  static let train = "0-55", recent = "42-55", valid = "56-69"
  /// Epochs of ESMM, ESM2 and ESDF in the demo.
  static let entireSpaceEpochs = 8

  /// Where the world goes: DIR/data.
  static func directory(_ output: URL) -> URL { output.appendingPathComponent("data", isDirectory: true) }

  /// Writes the world into `directory(output)` (the same bytes every time).
  static func write(output: URL, log: (String) -> Void) throws {
    let directory = directory(output)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    log("writing DDFWorld.small (seed \(worldSeed)) into \(directory.path)")
    _ = try DDFWorld.write(.small, seed: worldSeed, to: directory)
  }

  /// Fills the config's defaults and the world's paths without writing anything
  /// (so a bad flag leaves no --out behind); a config file or flags may still override them.
  static func prepare(_ config: inout ExperimentConfig, output: URL) {
    let directory = directory(output)
    config.data = directory.appendingPathComponent("data.csv").path
    config.schema = directory.appendingPathComponent("schema.yaml").path
    config.trainDays = config.trainDays ?? train
    config.recentDays = config.recentDays ?? recent
    config.validDays = config.validDays ?? valid
    config.preset = config.preset ?? .demo
    // The ten-minute budget (3 seeds, 2 cores): the entire-space models read all
    // 110 000 exposures of D per epoch (8x BASE's clicks), so the demo caps their
    // epochs. Within the cap they run every epoch (their CVR towers learn only
    // through products with pCTR and can sit flat for a few epochs; ESM2 seed 3
    // stopped at 0.50 with patience 3) and the held-out rows pick the best one.
    // A config file's model_training still overrides this.
    let epochs = JSONValue.integer(Int64(entireSpaceEpochs))
    for name in ["ESMM", "ESM2", "ESDF"] where config.modelTraining[name] == nil {
      config.modelTraining[name] = .object(["max_epochs": epochs, "patience": epochs])
    }
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

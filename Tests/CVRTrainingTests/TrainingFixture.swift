// The tiny DDF world, generated once per test process, with its splits, an
// assembler, and the experiment config that points at it.
import CVRData
import CVRIngest
import CVRModels
import CVRSimulation
import CVRTestSupport
import CVRTraining
import Foundation
import MetaCVRExperiment

/// Tiny DDF world (seed 5): 28 days, 2 promotions; D = 0–20, D_r = 14–20, D_v = 21–27.
struct TrainingFixture: Sendable {
  let directory: URL
  let files: SimulatedFiles
  let schema: DataSchema
  let store: ColumnStore
  let splits: DataSplits
  let normalizer: DenseNormalizer
  let assembler: BatchAssembler
  let plan: FeaturePlan

  static let shared: TrainingFixture = {
    do { return try TrainingFixture() } catch { fatalError("TrainingFixture: \(error)") }
  }()

  private init() throws {
    directory = try scratchDirectory()
    files = try DDFWorld.write(.tiny, seed: 5, to: directory)
    schema = try DataSchema.load(from: files.schema)
    store = try DataIngest.load(files.data, schema: schema, schemaDirectory: directory).store
    splits = try DataSplits(store: store, train: DayRange(0, 20), recent: DayRange(14, 20), valid: DayRange(21, 27))
    normalizer = try DenseNormalizer(store: store, rows: splits.rows(.train, space: .exposure))
    assembler = try BatchAssembler(store: store, normalizer: normalizer)
    plan = try FeaturePlan(schema: schema)
  }

  /// An experiment over this world: the given models and seeds, short training.
  func experimentConfig(models: [String], seeds: [UInt64] = [1, 2], epochs: Int = 2) -> ExperimentConfig {
    var config = ExperimentConfig()
    config.data = files.data.path
    config.schema = files.schema.path
    config.trainDays = "0-20"
    config.recentDays = "14-20"
    config.validDays = "21-27"
    config.models = models
    config.seeds = seeds
    config.training.maxEpochs = epochs
    config.training.batchSize = 128
    config.xgboost.rounds = 10
    config.threads = nil
    return config
  }

  func train(_ split: Split) -> [Int32] { splits.rows(split, space: .click) }
  var valid: [Int32] { splits.rows(.valid, space: .click) }
}

// The data of one experiment, loaded once for every seed and model: the store,
// the D / D_r / D_v splits, the normaliser fitted on D, the batch assembler.
import CVRData
import CVRIngest
import CVRMetrics
import CVRModels
import CVRTraining
import Foundation

/// Loaded data and the derived pieces every model shares.
package struct ExperimentData {
  package let schema: DataSchema
  package let store: ColumnStore
  /// What ingestion wants the user told (e.g. conversions cleared on unclicked rows), one line each.
  package let warnings: [String]
  package let splits: DataSplits
  /// Fitted on D's exposures only (nothing of D_v leaks into the inputs).
  package let normalizer: DenseNormalizer
  package let assembler: BatchAssembler
  /// D_v's clicked rows (where CVR is evaluated) and their conversion labels.
  package let validRows: [Int32]
  package let validLabels: [Bool]
  /// The user of each validation row (GAUC), nil without a user column.
  package let validUsers: [Int]?
  package let userColumn: String?

  /// Loads `config.data` with `config.schema` and cuts the splits.
  ///
  /// - Throws: the ingestion's errors (file:line: reason), `SplitError`, or
  ///   `TrainingError.data` when D or D_v has no clicked row.
  package init(config: ExperimentConfig) throws {
    try config.validate()
    let schemaURL = URL(fileURLWithPath: config.schema ?? config.data ?? config.trainFile!)
    schema = try config.format.flatMap(PublicFormat.init(rawValue:))?.schema ?? DataSchema.load(from: schemaURL)
    if let test = config.testFile {
      (store, warnings) = try SplitFiles.load(
        train: URL(fileURLWithPath: config.data!), test: URL(fileURLWithPath: test), schema: schema,
        schemaDirectory: schemaURL.deletingLastPathComponent())
    } else if config.usesSplitFiles {
      (store, warnings) = try SplitFiles.load(
        train: URL(fileURLWithPath: config.trainFile!), recent: URL(fileURLWithPath: config.recentFile!),
        valid: URL(fileURLWithPath: config.validFile!), schema: schema,
        schemaDirectory: schemaURL.deletingLastPathComponent())
    } else {
      let loaded = try DataIngest.load(URL(fileURLWithPath: config.data!), schema: schema,
                                       schemaDirectory: schemaURL.deletingLastPathComponent())
      (store, warnings) = (loaded.store, loaded.report.warnings.map { "\(config.data!): \($0)" })
    }
    let ranges = try config.dayRanges()
    splits = try DataSplits(store: store, train: ranges.train, recent: ranges.recent, valid: ranges.valid)
    for (split, flag) in [(Split.train, "--train-days"), (.recent, "--recent-days"), (.valid, "--valid-days")]
    where splits.rows(split, space: .click).isEmpty {
      if config.testFile != nil {
        throw TrainingError.data("\(split == .valid ? "--test-data" : "--data") \(split == .valid ? config.testFile! : config.data!): no clicked row")
      }
      if config.usesSplitFiles {
        let files = [Split.train: "--train-file and --recent-file", .recent: "--recent-file", .valid: "--valid-file"]
        throw TrainingError.data("\(files[split]!) \(config.splitSource(split)): no clicked row")
      }
      throw TrainingError.data("\(flag) \(splits.range(split).text) holds no clicked row in \(config.data!)")
    }
    normalizer = try DenseNormalizer(store: store, rows: splits.rows(.train, space: .exposure))
    assembler = try BatchAssembler(store: store, normalizer: normalizer)
    validRows = splits.rows(.valid, space: .click)
    validLabels = try SplitMetrics.labels(store, rows: validRows)
    if let named = config.userColumn, store.ids[named] == nil {
      throw TrainingError.config("user_column '\(named)' is not a sparse column of the schema")
    }
    userColumn = config.userColumn ?? SplitMetrics.defaultUserColumn(schema)
    validUsers = SplitMetrics.users(store, rows: validRows, userColumn: userColumn)
  }

  /// Per occasion name, the clicked rows of `split` (empty list when absent): the demo checks every occasion is present.
  package func occasionCounts(_ split: Split) -> [(name: String, clicks: Int)] {
    let groups = splits.rowsByOccasion(split, space: .click)
    return store.occasionNames.enumerated().map { ($1, groups[Int32($0)]?.count ?? 0) }
  }
}

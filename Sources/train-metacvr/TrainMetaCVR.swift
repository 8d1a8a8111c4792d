// `train-metacvr`: trains MetaCVR and its baselines over seeds on a user's log
// or the built-in DDF world, and writes the report, metrics and checkpoints.
import ArgumentParser
import CVRCommandLine
import CVRData
import CVRKernels
import CVRTraining
import MetaCVRExperiment
import Foundation

@main
struct TrainMetaCVR: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-metacvr",
    abstract: "Train and evaluate MetaCVR and its baselines over several seeds.",
    discussion: """
      Writes DIR/report.md, DIR/metrics.json, DIR/config.yaml, SVG plots and
      DIR/checkpoints/NAME-seedS.ckpt (XGBoost: .xgb + .xgb.json). Flags override
      --config, which overrides the defaults. Day ranges are day indices of the
      data's day column ("A-B", inclusive) or dates "YYYY-MM-DD..YYYY-MM-DD".
      --demo writes DDFWorld.small (seed \(Demo.worldSeed)) into DIR/data and uses
      D = \(Demo.train), D_r = \(Demo.recent), D_v = \(Demo.valid).
      """)

  @Flag(help: "Generate the small DDF world into DIR/data and run every model on it.")
  var demo = false

  @OptionGroup var files: DataFileOptions

  @OptionGroup var days: SplitDaysOptions

  @Option(help: "Comma-separated models: \(ModelCatalog.paperModels.joined(separator: ",")) (also LR, LR-F).")
  var models: String?

  @Option(help: "MetaCVR's distance metric: spdm, nndm, cosine, euclidean or all.")
  var dmn: String?

  @Option(help: "N (seeds 1…N) or a comma-separated list of seeds.")
  var seeds: String?

  @Option(help: "A YAML config (training, model_training, model_options, xgboost, …).")
  var config: String?

  @Option(help: "The output directory.")
  var out: String

  @OptionGroup var engine: ThreadsOption

  @Flag(help: "No progress line.")
  var quiet = false

  func run() throws {
    do {
      try execute()
    } catch let error as ValidationError {
      throw error
    } catch {
      FileHandle.standardError.write(Data("\ntrain-metacvr: error: \(error)\n".utf8))
      throw ExitCode.failure
    }
  }

  func execute() throws {
    let output = URL(fileURLWithPath: out, isDirectory: true)
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    var resolved = try config.map { try ExperimentConfig.load(from: URL(fileURLWithPath: $0)) } ?? ExperimentConfig()
    if demo { try Demo.prepare(&resolved, output: output, log: status) }
    try applyFlags(to: &resolved)
    if let threads = resolved.threads { Threads.set(threads) }

    status("loading \(resolved.data ?? "?")")
    let data = try ExperimentData(config: resolved)
    for split in [Split.train, .recent, .valid] {
      let counts = data.occasionCounts(split).map { "\($0.name) \($0.clicks)" }.joined(separator: ", ")
      status("\(split.rawValue) days \(data.splits.range(split).text): \(data.splits.rows(split, space: .click).count) clicks"
        + (counts.isEmpty ? "" : " (\(counts))"))
    }
    if demo { try Demo.checkOccasions(data) }

    let experiment = Experiment(config: resolved, data: data, catalog: .standard(), output: output,
                                progress: ProgressLine(enabled: !quiet), log: status)
    status("models: \(try experiment.modelOrder().joined(separator: ", ")); seeds: \(resolved.seeds.map(String.init).joined(separator: ", "))")
    let outcome = try experiment.run()
    let command = CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    let report = ExperimentReport(outcome: outcome, config: resolved, data: data, command: command)
    try report.write(to: output)
    print(report.table(), terminator: "")
    status("wrote \(output.path)/report.md, metrics.json, config.yaml, plots and checkpoints/ in "
      + "\(Int(outcome.seconds.rounded())) s")
  }

  /// Flags win over the config file.
  func applyFlags(to config: inout ExperimentConfig) throws {
    if let data = files.data { config.data = data }
    if let schema = files.schema { config.schema = schema }
    if let train = days.trainDays { config.trainDays = train.text }
    if let recent = days.recentDays { config.recentDays = recent.text }
    if let valid = days.validDays { config.validDays = valid.text }
    if let models { config.models = Self.list(models) }
    if let dmn { config.dmn = dmn.lowercased() == "all" ? ModelCatalog.distanceMetrics.map(\.flag) : Self.list(dmn) }
    if let seeds { config.seeds = try Self.parseSeeds(seeds) }
    if let threads = engine.threads { config.threads = threads }
  }

  static func list(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// "3" → [1, 2, 3]; "7,11" → [7, 11].
  static func parseSeeds(_ text: String) throws -> [UInt64] {
    let parts = list(text)
    if parts.count == 1, !text.contains(","), let n = UInt64(parts[0]) {
      guard n >= 1 else { throw ValidationError("--seeds: give at least one seed") }
      return Array(1...n)
    }
    return try parts.map {
      guard let seed = UInt64($0) else { throw ValidationError("--seeds: '\($0)' is not a seed") }
      return seed
    }
  }

  func status(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}

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
      Writes DIR/report.md, DIR/metrics.json, DIR/timings.json, DIR/config.yaml,
      SVG plots and DIR/checkpoints/NAME-seedS.ckpt (XGBoost: .xgb + .xgb.json).
      DIR is locked while the run lasts; one that already holds a run is refused
      unless --resume (continue it) or --overwrite (replace it). Flags override
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

  @Flag(help: """
    Continue the killed or failed run in --out (same flags and config): finished models are \
    verified and reused, the interrupted one resumes after its last completed epoch.
    """)
  var resume = false

  @Flag(help: "Replace the run already in --out (its results, plots and checkpoints are deleted first).")
  var overwrite = false

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
    guard !(resume && overwrite) else {
      throw ValidationError("--resume continues the run in --out and --overwrite replaces it: give one of them")
    }
    let output = URL(fileURLWithPath: out, isDirectory: true)
    var resolved = try config.map { try ExperimentConfig.load(from: URL(fileURLWithPath: $0)) } ?? ExperimentConfig()
    if demo { Demo.prepare(&resolved, output: output) }
    try applyFlags(to: &resolved)
    let catalog = ModelCatalog.standard()
    // Everything checkable without the data, before --out is touched.
    try resolved.validate()
    for name in try catalog.trainingOrder(ModelCatalog.expand(resolved.models, dmn: resolved.dmn)) {
      _ = try resolved.training(for: name, defaults: catalog.entry(name)!.training)
    }
    if let threads = resolved.threads { Threads.set(threads) }

    // An existing --out is locked at once (a second run fails now, not after
    // loading); a new one is created only once the data has loaded (the demo's
    // world lives inside it, so the demo creates it first).
    let mode: OutputDirectory.Mode = resume ? .resume : overwrite ? .overwrite : .fresh
    var directory = FileManager.default.fileExists(atPath: output.path) || demo
      ? try OutputDirectory(claiming: output, mode: mode) : nil
    defer { directory?.release() }
    if demo { try Demo.write(output: output, log: status) }

    status("loading \(resolved.data ?? "?")")
    let data = try ExperimentData(config: resolved)
    for split in [Split.train, .recent, .valid] {
      let counts = data.occasionCounts(split).map { "\($0.name) \($0.clicks)" }.joined(separator: ", ")
      status("\(split.rawValue) days \(data.splits.range(split).text): \(data.splits.rows(split, space: .click).count) clicks"
        + (counts.isEmpty ? "" : " (\(counts))"))
    }
    if demo { try Demo.checkOccasions(data) }
    if directory == nil { directory = try OutputDirectory(claiming: output, mode: mode) }
    // config.yaml marks the directory as holding this run from its first epoch on.
    try directory!.begin(resolved)

    let experiment = Experiment(config: resolved, data: data, catalog: catalog, output: output,
                                progress: ProgressLine(enabled: !quiet), log: status)
    experiment.resume = resume
    status("models: \(try experiment.modelOrder().joined(separator: ", ")); seeds: \(resolved.seeds.map(String.init).joined(separator: ", "))")
    let outcome = try experiment.run()
    let command = CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    let report = ExperimentReport(outcome: outcome, config: resolved, data: data, command: command)
    try report.write(to: output)
    print(report.table(), terminator: "")
    status("wrote \(output.path)/report.md, metrics.json, timings.json, config.yaml, plots and checkpoints/ in "
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

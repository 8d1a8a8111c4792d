// The steps every experiment command (train-metacvr, train-egean) takes once its
// config is resolved: claim --out, write a demo's world into it, load the data,
// mark the directory with config.yaml, run every model and seed; then the
// command line report.md shows and the closing status line.
import CVRTraining
import Foundation

package struct ExperimentSession {
  package var config: ExperimentConfig
  package var catalog: ModelCatalog
  package var output: URL
  package var mode: OutputDirectory.Mode
  /// No progress line.
  package var quiet: Bool
  package var log: (String) -> Void

  package init(config: ExperimentConfig, catalog: ModelCatalog, output: URL, mode: OutputDirectory.Mode, quiet: Bool,
               log: @escaping (String) -> Void) {
    self.config = config
    self.catalog = catalog
    self.output = output
    self.mode = mode
    self.quiet = quiet
    self.log = log
  }

  /// Runs the experiment. An existing --out (or a demo's, whose world lives inside
  /// it) is locked at once, so a second run fails now, not after loading; a new
  /// one is created only once the data has loaded.
  ///
  /// - Parameters:
  ///   - writeDemo: writes the demo's data into `output` (nil: not a demo).
  ///   - loaded: the protocol's status lines and checks on the loaded data.
  ///   - configure: the protocol's settings of the runner (evaluation, optimiser).
  package func run(writeDemo: (() throws -> Void)?, loaded: (ExperimentData) throws -> Void,
                   configure: (Experiment) -> Void = { _ in }) throws -> (outcome: ExperimentOutcome, data: ExperimentData) {
    var directory = FileManager.default.fileExists(atPath: output.path) || writeDemo != nil
      ? try OutputDirectory(claiming: output, mode: mode) : nil
    defer { directory?.release() }
    try writeDemo?()
    log("loading " + config.sourceDescription)
    let data = try ExperimentData(config: config)
    for warning in data.warnings { log("warning: \(warning)") }
    try loaded(data)
    if directory == nil { directory = try OutputDirectory(claiming: output, mode: mode) }
    // config.yaml marks the directory as holding this run from its first epoch on.
    try directory!.begin(config)
    let experiment = Experiment(config: config, data: data, catalog: catalog, output: output,
                                progress: ProgressLine(enabled: !quiet), log: log)
    experiment.resume = mode == .resume
    configure(experiment)
    log("models: \(try experiment.modelOrder().joined(separator: ", ")); seeds: \(config.seeds.map(String.init).joined(separator: ", "))")
    return (try experiment.run(), data)
  }

  /// The command line as report.md shows it (arguments with spaces quoted).
  package static var commandLine: String {
    CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
  }

  /// The closing status line.
  package func finished(_ outcome: ExperimentOutcome) {
    log("wrote \(output.path)/report.md, metrics.json, timings.json, config.yaml, plots and checkpoints/ in "
      + "\(Int(outcome.seconds.rounded())) s")
  }
}

// `train-metacvr`: trains MetaCVR and its baselines over seeds on a user's log
// or the built-in DDF world, and writes the report, metrics and checkpoints.
import ArgumentParser
import CVRCommandLine
import CVRData
import CVRDistributed
import CVRKernels
import CVRSimulation
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
      data's day column ("A-B", inclusive) or dates "YYYY-MM-DD..YYYY-MM-DD";
      D_r lies inside D and D_v after D. Instead of --data and day ranges,
      --train-file, --recent-file and --valid-file give the splits as three files
      of the same schema (no day column needed; D = train file + recent file).
      --demo writes DDFWorld.small (seed \(Demo.worldSeed)) into DIR/data and uses
      D = \(Demo.train), D_r = \(Demo.recent), D_v = \(Demo.valid).
      --world NAME writes a named DDF world (\(DDFNamedWorld.all.map(\.name).joined(separator: ", ")))
      at --world-seeds (default 1) and runs on it with its day splits; its default models add
      the oracles (\(ModelCatalog.oracleModels.joined(separator: ", "))). With several world
      seeds each runs in DIR/world-seed-S and DIR/summary.md + summary.json pool every
      (world seed, training seed) pair.

      Seeds: --seeds 3 is the one seed 3; --seeds 1-5 is seeds 1 to 5; --seeds 1,4,9
      lists them (items may be ranges: 1-3,7); --seed-count N is seeds 1 to N.
      Default: seeds 1, 2, 3.

      Defaults: every model trains up to max_epochs \(TrainingConfig().maxEpochs), early stopping with
      patience \(TrainingConfig().patience) on \(Int(ExperimentConfig().holdout * 100)) % of D's clicked rows (held out);
      MetaCVR's stage 2 and the probes (BASE+offsets, F-probe,
      MetaCVR-SPDM-shuffled) Adam at 0.01, up to 60 epochs, patience 6, on
      held-out log loss (docs/metacvr.md). A key under the config's training:
      applies to every model, stage 2 included; model_training: NAME: {…}
      changes one model; --epochs N sets max_epochs of every model. Relative
      paths in --config are read from the config file's directory.

      Examples:
        train-metacvr --demo --out runs/demo
        train-metacvr --data data.csv --schema schema.yaml --train-days 0-55 \\
          --recent-days 42-55 --valid-days 56-69 --models BASE,MetaCVR --dmn spdm \\
          --seeds 1-3 --epochs 5 --out runs/base
        train-metacvr --config experiment.yaml --out runs/exp
      """)

  @Flag(help: "Generate the small DDF world into DIR/data and run every model on it (not with --data/--schema).")
  var demo = false

  @Option(help: "Generate this named DDF world into DIR/data and run on it: \(DDFNamedWorld.all.map(\.name).joined(separator: ", ")).")
  var world: String?

  @Option(help: "With --world: the world seeds, as --seeds (default 1); several run in DIR/world-seed-S each.")
  var worldSeeds: String?

  @OptionGroup var files: DataFileOptions

  @OptionGroup var days: SplitDaysOptions

  @Option(help: "Instead of --data and day ranges: the training rows before D_r (D = this file + --recent-file).")
  var trainFile: String?

  @Option(help: "The recent rows D_r (the end of the training period), same schema.")
  var recentFile: String?

  @Option(help: "The validation rows D_v, same schema.")
  var validFile: String?

  @Option(help: "Comma-separated models (default: \(ModelCatalog.paperModels.joined(separator: ","))); also LR, LR-F, and the stage-2 probes \(ModelCatalog.stageTwoProbes.joined(separator: ",")).")
  var models: String?

  @Option(help: "MetaCVR's distance metric: spdm, nndm, cosine, euclidean, mulrelanet or all (default: the paper's four; needs MetaCVR in --models).")
  var dmn: String?

  @Option(help: "Seeds 1 to N (instead of --seeds).")
  var seedCount: Int?

  @Option(help: "Maximum epochs of every model, overriding the config's max_epochs (default: \(TrainingConfig().maxEpochs); MetaCVR stage 2: 60).")
  var epochs: Int?

  @OptionGroup var session: ExperimentRunOptions

  func validate() throws {
    if let world {
      guard DDFNamedWorld.named(world) != nil else {
        throw ValidationError("--world '\(world)' is not one of \(DDFNamedWorld.all.map(\.name).joined(separator: ", "))")
      }
      if demo { throw ValidationError("--world and --demo both choose the data: give one") }
      if files.data != nil || files.schema != nil || [trainFile, recentFile, validFile].contains(where: { $0 != nil }) {
        throw ValidationError("--world generates its own data: drop --data/--schema/--train-file/--recent-file/--valid-file")
      }
    }
    if let worldSeeds {
      guard world != nil else { throw ValidationError("--world-seeds needs --world NAME") }
      _ = try SeedList.parse(worldSeeds)
    }
    if demo, files.data != nil || files.schema != nil {
      throw ValidationError("--demo generates its own data: give either --demo or --data/--schema, not both")
    }
    let splitFiles = [trainFile, recentFile, validFile].compactMap { $0 }.count
    if demo, splitFiles > 0 { throw ValidationError("--demo generates its own data: drop --train-file/--recent-file/--valid-file") }
    if splitFiles > 0, splitFiles < 3 { throw ValidationError("give --train-file, --recent-file and --valid-file together") }
    if splitFiles == 3, files.data != nil || days.givenCount > 0 {
      throw ValidationError("--train-file, --recent-file and --valid-file replace --data and the day ranges: give one or the other")
    }
    if session.seeds != nil, seedCount != nil { throw ValidationError("give --seeds or --seed-count, not both") }
    if let seedCount { _ = try SeedList.count(seedCount) }
    if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
  }

  /// Under mpirun (or with --distributed) every rank runs this; rank 0 writes --out.
  func run() throws {
    let out = URL(fileURLWithPath: session.out, isDirectory: true)
    let group = try DistributedTraining.start(requested: session.distributed, checksReplicas: session.checkReplicas)
    let output = DistributedTraining.outputDirectory(out, group: group)
    do {
      try ExperimentRunOptions.reportingErrors("train-metacvr") { try execute(output: output, group: group) }
    } catch let error as ValidationError {
      DistributedTraining.stopAll(group, name: "train-metacvr", error: error, reported: false, scratch: output)
      throw error
    } catch {
      DistributedTraining.stopAll(group, name: "train-metacvr", error: error, reported: true, scratch: output)
      throw error
    }
    DistributedTraining.finish(group, output: output, out: out)
  }

  func execute(output: URL, group: MPIReplicaGroup?) throws {
    let isWriter = (group?.rank ?? 0) == 0
    // Ranks other than 0 train and stay silent; rank 0 speaks for the run.
    let log: (String) -> Void = isWriter ? { ExperimentRunOptions.status($0) } : { _ in }
    if let group, group.size > 1, session.resume {
      throw ValidationError("--resume needs one process: only rank 0 keeps resume points (\(group.size) ranks here)")
    }
    if let world { return try executeWorld(DDFNamedWorld.named(world)!, output: output, group: group) }
    // Everything is resolved and checked before the first file is written.
    var resolved = try ExperimentConfig.load(optional: session.config)
    try applyFlags(to: &resolved)
    if demo { Demo.configure(&resolved, output: output) }
    let catalog = ModelCatalog.standard()
    let order = try catalog.trainingOrder(ModelCatalog.expand(resolved.models, dmn: resolved.dmn))
    if let dmn, !order.contains(where: { $0.hasPrefix("MetaCVR-") }) {
      throw TrainingError.config(
        "--dmn \(dmn) chooses MetaCVR's distance metric, but the models (\(resolved.models.joined(separator: ","))) "
          + "include no MetaCVR: add MetaCVR to --models or drop --dmn")
    }
    for warning in try resolved.finish(catalog: catalog, order: order) where isWriter { status("warning: \(warning)") }
    if let threads = resolved.threads { Threads.set(threads) }
    let run = ExperimentSession(config: resolved, catalog: catalog, output: output, mode: .init(resume: session.resume, overwrite: session.overwrite),
                                quiet: session.quiet || !isWriter, log: log)
    let (outcome, data) = try run.run(writeDemo: demo ? { try Demo.write(output: output, log: log) } : nil, loaded: { data in
      for split in [Split.train, .recent, .valid] {
        let counts = data.occasionCounts(split).map { "\($0.name) \($0.clicks)" }.joined(separator: ", ")
        log("\(split.rawValue) \(resolved.splitSource(split)): \(data.splits.rows(split, space: .click).count) clicks"
          + (counts.isEmpty ? "" : " (\(counts))"))
      }
      if demo { try Demo.checkOccasions(data) }
    }, configure: { $0.replicas = group })
    let report = ExperimentReport(outcome: outcome, config: resolved, data: data, command: ExperimentSession.commandLine)
    guard isWriter else { return }
    try report.write(to: output)
    print(report.table(), terminator: "")
    if let group, group.size > 1 {
      status("\(group.size) ranks: \(Int(group.traffic.bytesPerStep)) bytes exchanged per step on average "
        + "(\(group.traffic.steps) steps; docs/distributed.md)")
    }
    run.finished(outcome)
  }

  /// `--world NAME`: each world seed written and run in its own directory (DIR itself
  /// with one seed), then, with several, DIR/summary.md and summary.json over all of them.
  func executeWorld(_ world: DDFNamedWorld, output root: URL, group: MPIReplicaGroup?) throws {
    let isWriter = (group?.rank ?? 0) == 0
    let log: (String) -> Void = isWriter ? { ExperimentRunOptions.status($0) } : { _ in }
    let worldSeeds = try worldSeeds.map(SeedList.parse) ?? [1]
    var base = try ExperimentConfig.load(optional: session.config)
    // The default list (no --models, and a config without its own) gains the oracles.
    if models == nil && base.models == ModelCatalog.paperModels { base.models = ModelCatalog.paperModels + ModelCatalog.oracleModels }
    try applyFlags(to: &base)
    let catalog = ModelCatalog.standard()
    var runs: [WorldSummary.WorldRun] = []
    for worldSeed in worldSeeds {
      let output = worldSeeds.count == 1 ? root : root.appendingPathComponent("world-seed-\(worldSeed)", isDirectory: true)
      var resolved = base
      Demo.configure(&resolved, output: output, world: world)
      let order = try catalog.trainingOrder(ModelCatalog.expand(resolved.models, dmn: resolved.dmn))
      for warning in try resolved.finish(catalog: catalog, order: order) where isWriter { status("warning: \(warning)") }
      if let threads = resolved.threads { Threads.set(threads) }
      let run = ExperimentSession(config: resolved, catalog: catalog, output: output,
                                  mode: .init(resume: session.resume, overwrite: session.overwrite),
                                  quiet: session.quiet || !isWriter, log: log)
      let (outcome, data) = try run.run(writeDemo: { try Demo.write(output: output, world: world, seed: worldSeed, log: log) }, loaded: {
        data in
        for split in [Split.train, .recent, .valid] {
          let counts = data.occasionCounts(split).map { "\($0.name) \($0.clicks)" }.joined(separator: ", ")
          log("world \(world.name) seed \(worldSeed), \(split.rawValue) \(resolved.splitSource(split)): "
            + "\(data.splits.rows(split, space: .click).count) clicks (\(counts))")
        }
        try Demo.checkOccasions(data)
      }, configure: { $0.replicas = group })
      let report = ExperimentReport(outcome: outcome, config: resolved, data: data, command: ExperimentSession.commandLine)
      guard isWriter else { continue }
      try report.write(to: output)
      print(worldSeeds.count == 1 ? "" : "world \(world.name) seed \(worldSeed):\n", terminator: "")
      print(report.table(), terminator: "")
      run.finished(outcome)
      runs.append(.init(worldSeed: worldSeed, result: outcome.result, paired: report.paired))
    }
    guard isWriter, worldSeeds.count > 1 else { return }
    let summary = WorldSummary(world: world.name, runs: runs)
    try summary.write(to: root)
    print(summary.markdown, terminator: "")
    status("wrote \(root.path)/summary.md and summary.json")
  }

  /// Flags win over the config file. Paths given as flags are made absolute
  /// (against the working directory), so the written config.yaml reads from anywhere.
  func applyFlags(to config: inout ExperimentConfig) throws {
    let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    if let data = files.data { config.data = ExperimentConfig.resolve(data, against: here) }
    if let schema = files.schema { config.schema = ExperimentConfig.resolve(schema, against: here) }
    if let trainFile { config.trainFile = ExperimentConfig.resolve(trainFile, against: here) }
    if let recentFile { config.recentFile = ExperimentConfig.resolve(recentFile, against: here) }
    if let validFile { config.validFile = ExperimentConfig.resolve(validFile, against: here) }
    if let train = days.trainDays { config.trainDays = train.text }
    if let recent = days.recentDays { config.recentDays = recent.text }
    if let valid = days.validDays { config.validDays = valid.text }
    if let models { config.models = ExperimentRunOptions.list(models) }
    if let dmn { config.dmn = dmn.lowercased() == "all" ? ModelCatalog.distanceMetrics.map(\.flag) : ExperimentRunOptions.list(dmn) }
    if let seeds = session.seeds { config.seeds = try SeedList.parse(seeds) }
    if let seedCount { config.seeds = try SeedList.count(seedCount) }
    if let epochs { config.overrideEpochs(epochs) }
    if let threads = session.engine.threads { config.threads = threads }
  }


  func status(_ line: String) { ExperimentRunOptions.status(line) }
}

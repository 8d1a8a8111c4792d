// `train-egean`: trains EGEAN, its ablations and its baselines over seeds on a
// user's log, a public set's processed CSVs or the built-in selection-bias
// world, scores them on the entire exposure space and writes the report.
import ArgumentParser
import CVRCommandLine
import CVRData
import CVRDistributed
import CVRKernels
import CVRTraining
import EGEANExperiment
import Foundation
import MetaCVRExperiment

@main
struct TrainEGEAN: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-egean",
    abstract: "Train and evaluate EGEAN, its ablations and its baselines on the entire exposure space over several seeds.",
    discussion: """
      Writes DIR/report.md, DIR/metrics.json ({"models": {NAME: {METRIC: {mean, std, values}}}} with
      ctr_auc, cvr_auc_click, cvr_auc_exposure, ctcvr_auc, cvr_logloss), DIR/timings.json,
      DIR/config.yaml, SVG plots and DIR/checkpoints/NAME-seedS.ckpt (cvr predict scores them).
      When the data has the potential conversion (the simulators), cvr_auc_exposure is scored
      against it; otherwise unclicked rows count as negatives (the report says which).

      Data: --data and --schema with --train-days and --test-days (day column), or --data
      (train) and --test-data (test) of one schema; --format ali-ccp|aliexpress reads those
      files in the public set's processed layout (cvr data convert) without --schema.
      --demo writes SelectionBiasWorld.small (seed \(EGEANDemo.worldSeed)) into DIR/data: train
      days \(EGEANDemo.trainDays), test days \(EGEANDemo.testDays), every model, seeds 1-3.

      Models (default: \(ModelCatalog.egeanPaperModels.joined(separator: ", "))): EGEAN+DR and
      EGEAN+PVDR fix the estimator; "EGEAN" and the ablations take --estimator (default
      \(ModelCatalog.egeanDefaultEstimator)). The EGEAN models after pre-training train after
      \(ModelCatalog.egeanPretraining) (\(ModelCatalog.egeanPretrainingEpochs) epochs per seed, not reported).
      Training (EGEAN §3.0.3, all models): Adam, learning rate 1e-3, weight decay 1e-6, batch 1024;
      up to max_epochs \(TrainingConfig().maxEpochs) (demo \(EGEANDemo.epochs)), early stopping with patience
      \(TrainingConfig().patience) on the CVR AUC of a held-out \(Int(ExperimentConfig().holdout * 100)) % of the training exposures
      (unclicked rows negative), the best epoch's parameters kept; --early-stopping-task and
      --early-stopping-metric choose another criterion. A --config file (train-metacvr's keys:
      training, model_training, model_options, …) is overridden by the flags.

      Seeds: --seeds 3 is the one seed 3; --seeds 1-5 a range; --seeds 1,4,9 a list. Default 1, 2, 3.

      Examples:
        train-egean --demo --out runs/egean
        train-egean --demo --models ESMM,EGEAN+PVDR --ablations none --seeds 1 --out runs/quick
        train-egean --format ali-ccp --data ccp/train.csv --test-data ccp/test.csv --out runs/ccp
        train-egean --data log.csv --schema schema.yaml --train-days 0-20 --test-days 21-27 \\
          --models ESMM,EGEAN --estimator dr --ablations en,ml --out runs/log
      """)

  @Flag(help: "Generate the selection-bias world into DIR/data and run every model on it (not with --data).")
  var demo = false

  @OptionGroup var files: DataFileOptions

  @Option(help: "A test file of the --data schema: --data trains, this file is evaluated (no day ranges).")
  var testData: String?

  @Option(help: "Read --data/--test-data in a public set's processed layout instead of --schema: ali-ccp or aliexpress.")
  var format: String?

  @Option(help: "Training days: day indices A-B or dates YYYY-MM-DD..YYYY-MM-DD.",
          transform: { try DayRangeOption.parse($0, flag: "--train-days") })
  var trainDays: DayRangeOption?

  @Option(help: "Test days, after the training days.", transform: { try DayRangeOption.parse($0, flag: "--test-days") })
  var testDays: DayRangeOption?

  @Option(help: "Comma-separated models (default: every baseline, EGEAN+DR, EGEAN+PVDR and the ablations).")
  var models: String?

  @Option(help: "The estimator of \"EGEAN\" and the ablations: dr or pvdr (default: pvdr).")
  var estimator: String?

  @Option(help: "Ablations to run: all, none or a list of en (w/o EN), tpn (w/o TPN), ml (w/o ML) (default: all).")
  var ablations: String?

  @Option(help: "Maximum epochs of every model (pre-training included).")
  var epochs: Int?

  @Option(help: "Early stopping's task: cvr (default), ctr or ctcvr, on held-out training exposures.")
  var earlyStoppingTask: String?

  @Option(help: "Early stopping's metric: auc (default) or log_loss.")
  var earlyStoppingMetric: String?

  @OptionGroup var session: ExperimentRunOptions

  func validate() throws {
    if demo, files.data != nil || files.schema != nil || testData != nil || format != nil {
      throw ValidationError("--demo generates its own data: give either --demo or --data/--schema/--test-data/--format")
    }
    if testData != nil, trainDays != nil || testDays != nil {
      throw ValidationError("--test-data makes --data the training split: drop --train-days/--test-days")
    }
    if !demo, session.config == nil, files.data == nil {
      throw ValidationError("give --data (with --schema or --format, and --train-days/--test-days or --test-data), or --demo")
    }
    if !demo, session.config == nil, files.schema == nil, format == nil {
      throw ValidationError("--data needs --schema (its schema file) or --format ali-ccp|aliexpress")
    }
    if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
  }

  /// Under mpirun (or with --distributed) every rank runs this; rank 0 writes --out.
  func run() throws {
    let out = URL(fileURLWithPath: session.out, isDirectory: true)
    let group = try DistributedTraining.start(requested: session.distributed, checksReplicas: session.checkReplicas)
    let output = DistributedTraining.outputDirectory(out, group: group)
    do {
      try ExperimentRunOptions.reportingErrors("train-egean") { try execute(output: output, group: group) }
    } catch let error as ValidationError {
      DistributedTraining.stopAll(group, name: "train-egean", error: error, reported: false, scratch: output)
      throw error
    } catch {
      DistributedTraining.stopAll(group, name: "train-egean", error: error, reported: true, scratch: output)
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
    var resolved = try ExperimentConfig.load(optional: session.config)
    resolved.dayFlags.valid = "--test-days"
    resolved.dayFlags.missing = "give --train-days and --test-days (or --test-data, or --demo)"
    EGEANProtocol.applyDefaults(&resolved)
    try applyFlags(to: &resolved)
    if demo { EGEANDemo.configure(&resolved, output: output) }
    let catalog = ModelCatalog.egean()
    let order = try catalog.trainingOrder(resolved.models)
    try ModelCatalog.checkEGEANKinds(order)
    if let estimator { try EGEANProtocol.applyEstimator(estimator, to: &resolved, order: order) }
    for warning in try resolved.finish(catalog: catalog, order: order) where isWriter { status("warning: \(warning)") }
    if let threads = resolved.threads { Threads.set(threads) }
    let run = ExperimentSession(config: resolved, catalog: catalog, output: output, mode: .init(resume: session.resume, overwrite: session.overwrite),
                                quiet: session.quiet || !isWriter, log: log)
    let (outcome, data) = try run.run(writeDemo: demo ? { try EGEANDemo.write(output: output, log: log) } : nil,
                                      loaded: { data in
      let splits = data.splits
      log("train: \(splits.rows(.train, space: .exposure).count) exposures, \(splits.rows(.train, space: .click).count) "
        + "clicks; test: \(splits.rows(.valid, space: .exposure).count) exposures, "
        + "\(splits.rows(.valid, space: .click).count) clicks")
    }, configure: { experiment in
      experiment.evaluation = .entireSpace
      experiment.makeOptimizer = EGEANProtocol.optimizer
      experiment.replicas = group
    })
    let report = EGEANReport(outcome: outcome, config: resolved, data: data, command: ExperimentSession.commandLine)
    guard isWriter else { return }
    try report.write(to: output)
    print(report.table(), terminator: "")
    if let group, group.size > 1 {
      status("\(group.size) ranks: \(Int(group.traffic.bytesPerStep)) bytes exchanged per step on average "
        + "(\(group.traffic.steps) steps; docs/distributed.md)")
    }
    run.finished(outcome)
  }

  /// Flags win over the config file; paths are made absolute against the working directory.
  func applyFlags(to config: inout ExperimentConfig) throws {
    let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    if let data = files.data { config.data = ExperimentConfig.resolve(data, against: here) }
    if let schema = files.schema { config.schema = ExperimentConfig.resolve(schema, against: here) }
    if let testData { config.testFile = ExperimentConfig.resolve(testData, against: here) }
    if let format { config.format = format.lowercased() }
    if let train = trainDays {
      config.trainDays = train.text
      config.recentDays = train.text
    }
    if let test = testDays { config.validDays = test.text }
    if let models { config.models = ExperimentRunOptions.list(models) }
    if let ablations { try EGEANProtocol.applyAblations(ablations, to: &config.models) }
    if let seeds = session.seeds { config.seeds = try SeedList.parse(seeds) }
    if let epochs { config.overrideEpochs(epochs) }
    if let earlyStoppingTask {
      config.training.earlyStoppingTask = earlyStoppingTask
      config.explicitTraining.keys.insert("early_stopping_task")
    }
    if let earlyStoppingMetric {
      config.training.earlyStoppingMetric = earlyStoppingMetric
      config.explicitTraining.keys.insert("early_stopping_metric")
    }
    if let threads = session.engine.threads { config.threads = threads }
    if config.trainDays != nil, config.recentDays == nil { config.recentDays = config.trainDays }
  }


  func status(_ line: String) { ExperimentRunOptions.status(line) }
}

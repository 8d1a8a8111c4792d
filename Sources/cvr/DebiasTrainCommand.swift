// `cvr debias train`: MF trained on MNAR ratings with each estimator's loss,
// over seeds, scored on the randomised test split; writes report.md,
// metrics.json and config.yaml and prints the table.
import ArgumentParser
import CVRCommandLine
import CVRConfigFile
import CVREstimators
import CVRRatings
import CVRTraining
import Foundation

struct DebiasTrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train MF on ratings with each debiasing estimator; AUC, NDCG@5, Recall@5 and MSE on the MCAR test split.",
    discussion: """
      Per estimator and seed: MF (Adam lr 0.01, weight decay 1e-6, batch 512), a 10 %
      validation slice of the training ratings (seeded) for early stopping on the
      SNIPS-weighted BCE (patience 3), the best epoch's weights scored on the test
      split. DR-JL, MRDR, StableDR and PVDR alternate an imputation MF step and a
      prediction step per batch (docs/estimators.md, "Training on ratings"); with
      --propensity logistic StableDR adds a propensity step (its cycle: imputation,
      propensity, prediction), with a given propensity that step is skipped.

      Every flag has a key in --config (YAML; the flag's name in snake case:
      clip_floor, pvdr_lambda, user_features, …); a flag given wins over the file,
      relative paths in the file are read from its directory, an unknown key is an
      error, and DIR/config.yaml records the effective settings (it reads back as --config).

      Examples:
        cvr debias train --train train.csv --test test.csv --format long --out run \\
          --estimators naive,ips,dr-jl,mrdr,stabledr --propensity file --seeds 1-3
        cvr debias train --config debias.yaml --seeds 4
      """)

  @Option(help: "A YAML file of settings: one key per flag (clip_floor for --clip-floor, …); flags given override it; relative paths are read from its directory.")
  var config: String?
  @Option(help: "The training ratings (MNAR). Required (here or in --config).") var train: String?
  @Option(help: "The randomised (MCAR) test ratings, same format. Required.") var test: String?
  @Option(help: "long (user,item,rating[,propensity]) or matrix (one line per user, 0 = missing). Required.") var format: String?
  @Option(help: "A rating ≥ this is a positive (default 4; the DR/MRDR/StableDR code uses 3).")
  var positiveThreshold: Float?
  @Option(help: "Comma-separated: naive,ips,snips,dr-jl,mrdr,stabledr,pvdr (default: all).")
  var estimators: String?
  @Option(help: "file (the long file's column; default), naive-bayes (needs --mcar) or logistic (MF of the observation pattern; StableDR then runs its cycle).")
  var propensity: String?
  @Option(help: "An MCAR sample (same format) for naive-Bayes propensities; never the test split.") var mcar: String?
  @Option(help: "The propensity floor (p̂ clipped to [floor, 1]; default 0.05).") var clipFloor: Double?
  @Option(help: "One seed (3), a range (1-5) or a list (1,4,9), as train-metacvr reads them (default 1-3).") var seeds: String?
  @Option(help: "The directory to write into (created if needed). Required.") var out: String?
  @Option(help: "The most epochs per run (default 30).") var epochs: Int?
  @Option(help: "The MF width d (default 8).") var dim: Int?
  @Option(help: "PVDR's λ (a reconstruction): a constant in [0, 1] (default 0.5), inverse:C (λ = min(1, C/p̂)) or steps p<T:V,…,else:V (e.g. 'p<0.1:1,else:0.5'); a λ that varies needs --propensity logistic.")
  var pvdrLambda: String?
  @Option(help: "η, the weight of the stabilisation constraint in StableDR's imputation loss (default 1; 0 drops it).")
  var stabledrPenalty: Double?
  @Option(help: "η_p, the weight of the constraint in the propensity step of StableDR's cycle (--propensity logistic; default 128, the public code's η = 1 on sums over 128 cells; 0 drops it).")
  var stabledrPropensityPenalty: Double?
  @Option(help: "Matrix format: user features, one line per user (whitespace-separated numbers); adds an MLP over [user; item features] to the MF logit.")
  var userFeatures: String?
  @Option(help: "Matrix format: item features, one line per item.") var itemFeatures: String?
  @Flag(inversion: .prefixedNo, help: "No progress line (default: --no-quiet).") var quiet: Bool?

  /// The effective settings: defaults, then --config, then the flags given; with where each came from.
  func resolved() throws -> (config: DebiasTrainConfig, origin: DebiasTrainOrigin) {
    var c = DebiasTrainConfig()
    var origin = DebiasTrainOrigin()
    if let config {
      let loaded: (config: DebiasTrainConfig, keys: Set<DebiasTrainConfig.Key>)
      do { loaded = try DebiasTrainConfig.load(from: URL(fileURLWithPath: config)) } catch let e as ConfigFileError {
        throw ValidationError(e.description)
      }
      c = loaded.config
      origin.file = URL(fileURLWithPath: config).path
      origin.fileKeys = loaded.keys
    }
    let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    func path(_ p: String?) -> String? { p.map { ConfigFile.resolve($0, against: here) } }
    typealias K = DebiasTrainConfig.Key
    var given: Set<K> = []
    func take<T>(_ value: T?, _ k: K, _ apply: (T) -> Void) {
      if let value { apply(value); given.insert(k) }
    }
    take(path(train), .train) { c.train = $0 }
    take(path(test), .test) { c.test = $0 }
    take(format, .format) { c.format = $0 }
    take(positiveThreshold, .positiveThreshold) { c.positiveThreshold = $0 }
    take(estimators, .estimators) { c.estimators = $0 }
    take(propensity, .propensity) { c.propensity = $0 }
    take(path(mcar), .mcar) { c.mcar = $0 }
    take(clipFloor, .clipFloor) { c.clipFloor = $0 }
    take(path(out), .out) { c.out = $0 }
    take(epochs, .epochs) { c.epochs = $0 }
    take(dim, .dim) { c.dim = $0 }
    take(pvdrLambda, .pvdrLambda) { c.pvdrLambda = $0 }
    take(stabledrPenalty, .stabledrPenalty) { c.stabledrPenalty = $0 }
    take(stabledrPropensityPenalty, .stabledrPropensityPenalty) { c.stabledrPropensityPenalty = $0 }
    take(path(userFeatures), .userFeatures) { c.userFeatures = $0 }
    take(path(itemFeatures), .itemFeatures) { c.itemFeatures = $0 }
    take(quiet, .quiet) { c.quiet = $0 }
    if let seeds {
      c.seeds = try SeedList.parse(seeds)
      given.insert(.seeds)
    }
    origin.fileKeys.subtract(given)
    try Self.check(c, origin)
    // The rule's canonical text is what the report, metrics.json and config.yaml record.
    c.pvdrLambda = try PVDRLambdaRule(parsing: c.pvdrLambda).description
    return (c, origin)
  }

  /// Everything that can be checked before reading the data; each message names
  /// the flag, or the config file and key the value came from.
  static func check(_ c: DebiasTrainConfig, _ origin: DebiasTrainOrigin) throws {
    func say(_ k: DebiasTrainConfig.Key, _ value: Any?, _ why: String) -> ValidationError {
      ValidationError("\(origin.name(k, value)): \(why)")
    }
    for (k, value) in [(DebiasTrainConfig.Key.train, c.train), (.test, c.test), (.format, c.format), (.out, c.out)] where value == nil {
      throw ValidationError("give \(k.flag) (or the key '\(k.rawValue)' in --config)")
    }
    guard RatingsFormat(rawValue: c.format!) != nil else { throw say(.format, c.format, "use long or matrix") }
    do { _ = try DebiasRatingsEstimator.parseList(c.estimators) } catch {
      throw say(.estimators, nil, "\(error)".replacingOccurrences(of: "--estimators: ", with: ""))
    }
    guard let source = DebiasPropensitySource(rawValue: c.propensity) else {
      throw say(.propensity, c.propensity, "use file, naive-bayes or logistic")
    }
    if source == .naiveBayes && c.mcar == nil {
      throw ValidationError("\(origin.name(.propensity, c.propensity)) needs --mcar FILE (an MCAR sample)")
    }
    if source != .naiveBayes && c.mcar != nil { throw say(.mcar, nil, "goes with --propensity naive-bayes only") }
    do { _ = try PropensityClip(floor: c.clipFloor) } catch { throw say(.clipFloor, c.clipFloor, "must be in (0, 1]") }
    guard !c.seeds.isEmpty else { throw say(.seeds, nil, "lists no seed") }
    guard c.epochs >= 1 else { throw say(.epochs, c.epochs, "need at least 1") }
    guard c.dim >= 1 else { throw say(.dim, c.dim, "need at least 1") }
    guard c.positiveThreshold.isFinite else { throw say(.positiveThreshold, c.positiveThreshold, "not a number") }
    let rule: PVDRLambdaRule
    do { rule = try PVDRLambdaRule(parsing: c.pvdrLambda) } catch { throw say(.pvdrLambda, "'\(c.pvdrLambda.prefix(80))'", "\(error)") }
    if !rule.isConstant && source != .logistic {
      throw say(.pvdrLambda, "'\(rule)'", "λ varies with p̂, which --propensity \(source.rawValue) gives only on rated cells; "
        + "the grid term needs it on every cell: use a constant or --propensity logistic")
    }
    for (k, v) in [(DebiasTrainConfig.Key.stabledrPenalty, c.stabledrPenalty), (.stabledrPropensityPenalty, c.stabledrPropensityPenalty)]
    where !(v.isFinite && v >= 0) {
      throw say(k, v, "must be a number ≥ 0")
    }
    if (c.userFeatures != nil || c.itemFeatures != nil) && c.format != RatingsFormat.matrix.rawValue {
      throw say(c.userFeatures != nil ? .userFeatures : .itemFeatures, nil,
                "feature files go with --format matrix (line r describes user or item r)")
    }
  }

  func validate() throws { _ = try resolved() }

  func run() throws {
    let (c, _) = try resolved()
    let list = try DebiasRatingsEstimator.parseList(c.estimators)
    let source = DebiasPropensitySource(rawValue: c.propensity)!
    let ratingsFormat = RatingsFormat(rawValue: c.format!)!
    var settings = DebiasTrainSettings()
    settings.epochs = c.epochs
    settings.dim = c.dim
    settings.clip = try PropensityClip(floor: c.clipFloor)
    settings.threshold = PositiveThreshold(minimum: c.positiveThreshold)
    settings.pvdrLambda = try PVDRLambdaRule(parsing: c.pvdrLambda)
    settings.stablePenalty = Float(c.stabledrPenalty)
    settings.stablePropensityPenalty = Float(c.stabledrPropensityPenalty)
    settings.stableCycle = source == .logistic
    let seedList = c.seeds
    let trainURL = URL(fileURLWithPath: c.train!), testURL = URL(fileURLWithPath: c.test!)
    // Everything is read and trained before the directory is created: a failure leaves nothing behind.
    let data = try RatingsFiles(format: ratingsFormat, train: trainURL, test: testURL,
                               userFeatures: c.userFeatures.map { URL(fileURLWithPath: $0) },
                               itemFeatures: c.itemFeatures.map { URL(fileURLWithPath: $0) }).load()
    let mcarRows = try c.mcar.map { try RatingsFiles(format: ratingsFormat, train: trainURL, test: URL(fileURLWithPath: $0)).load().test! }
    guard let testRows = data.test, testRows.count > 0 else { throw DebiasTrainError("\(c.test!): no test ratings") }
    guard data.train.count >= 2 else { throw DebiasTrainError("\(c.train!): need at least 2 training ratings") }
    let progress = ProgressLine(enabled: !c.quiet)
    progress.plan(jobs: seedList.flatMap { _ in list.map(\.rawValue) })
    var runs: [DebiasTrainOutput.Run] = []
    for seed in seedList {
      let p = try DebiasPropensity.estimate(source, data: data, mcar: mcarRows, dim: c.dim, seed: seed)
      let trainer = DebiasRatingsTrainer(data: data, test: testRows, propensity: p, settings: settings, progress: progress)
      for estimator in list {
        let start = ProcessInfo.processInfo.systemUptime
        let result = trainer.run(estimator, seed: seed)
        progress.jobFinished(estimator.rawValue, seconds: ProcessInfo.processInfo.systemUptime - start)
        runs.append(.init(estimator: estimator, seed: seed, result: result))
      }
    }
    progress.clear()
    let output = DebiasTrainOutput(config: c, settings: settings, seeds: seedList, estimators: list, test: testRows,
                                   data: data, runs: runs)
    let directory = URL(fileURLWithPath: c.out!, isDirectory: true)
    try DataOutput.createDirectory(directory)
    try output.write(to: directory)
    print(output.table, terminator: "")
  }
}

/// Where each setting came from, for messages: a flag, or a key of the --config file.
struct DebiasTrainOrigin {
  var file: String?
  /// Keys the file set and no flag overrode.
  var fileKeys: Set<DebiasTrainConfig.Key> = []

  /// "--flag VALUE", or "FILE: key 'k' (VALUE)" when the value came from the file.
  func name(_ k: DebiasTrainConfig.Key, _ value: Any?) -> String {
    let shown = value.map { " \($0)" } ?? ""
    if let file, fileKeys.contains(k) { return "\(file): key '\(k.rawValue)'" + (value.map { " (\($0))" } ?? "") }
    return k.flag + shown
  }
}

// `cvr debias train`: MF trained on MNAR ratings with each estimator's loss,
// over seeds, scored on the randomised test split; writes report.md,
// metrics.json and config.yaml and prints the table.
import ArgumentParser
import CVRCommandLine
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
      prediction step per batch (docs/estimators.md, "Training on ratings").

      Example:
        cvr debias train --train train.csv --test test.csv --format long --out run \\
          --estimators naive,ips,dr-jl,mrdr,stabledr --propensity file --seeds 1-3
      """)

  @Option(help: "The training ratings (MNAR).") var train: String
  @Option(help: "The randomised (MCAR) test ratings, same format.") var test: String
  @Option(help: "long (user,item,rating[,propensity]) or matrix (one line per user, 0 = missing).") var format: String
  @Option(help: "A rating ≥ this is a positive (default 4; the DR/MRDR/StableDR code uses 3).")
  var positiveThreshold: Float = PositiveThreshold.defaultMinimum
  @Option(help: "Comma-separated: naive,ips,snips,dr-jl,mrdr,stabledr,pvdr.")
  var estimators = "naive,ips,snips,dr-jl,mrdr,stabledr,pvdr"
  @Option(help: "file (the long file's column), naive-bayes (needs --mcar) or logistic (MF of the observation pattern).")
  var propensity = "file"
  @Option(help: "An MCAR sample (same format) for naive-Bayes propensities; never the test split.") var mcar: String?
  @Option(help: "The propensity floor (p̂ clipped to [floor, 1]).") var clipFloor = 0.05
  @Option(help: "One seed (3), a range (1-5) or a list (1,4,9), as train-metacvr reads them.") var seeds = "1-3"
  @Option(help: "The directory to write into (created if needed).") var out: String
  @Option(help: "The most epochs per run.") var epochs = 30
  @Option(help: "The MF width d.") var dim = 8
  @Option(help: "PVDR's constant λ (a reconstruction).") var pvdrLambda = 0.5
  @Flag(help: "No progress line.") var quiet = false

  func validate() throws {
    guard RatingsFormat(rawValue: format) != nil else { throw ValidationError("--format \(format): use long or matrix") }
    do { _ = try DebiasRatingsEstimator.parseList(estimators) } catch { throw ValidationError("\(error)") }
    guard let source = DebiasPropensitySource(rawValue: propensity) else {
      throw ValidationError("--propensity \(propensity): use file, naive-bayes or logistic")
    }
    if source == .naiveBayes && mcar == nil { throw ValidationError("--propensity naive-bayes needs --mcar FILE") }
    if source != .naiveBayes && mcar != nil { throw ValidationError("--mcar goes with --propensity naive-bayes only") }
    do { _ = try PropensityClip(floor: clipFloor) } catch { throw ValidationError("--clip-floor \(clipFloor): must be in (0, 1]") }
    _ = try SeedList.parse(seeds)
    guard epochs >= 1 else { throw ValidationError("--epochs \(epochs): need at least 1") }
    guard dim >= 1 else { throw ValidationError("--dim \(dim): need at least 1") }
    guard positiveThreshold.isFinite else { throw ValidationError("--positive-threshold \(positiveThreshold): not a number") }
    guard (0...1).contains(pvdrLambda) else { throw ValidationError("--pvdr-lambda \(pvdrLambda): must be in [0, 1]") }
  }

  func run() throws {
    let list = try DebiasRatingsEstimator.parseList(estimators)
    let source = DebiasPropensitySource(rawValue: propensity)!
    let ratingsFormat = RatingsFormat(rawValue: format)!
    var settings = DebiasTrainSettings()
    settings.epochs = epochs
    settings.dim = dim
    settings.clip = try PropensityClip(floor: clipFloor)
    settings.threshold = PositiveThreshold(minimum: positiveThreshold)
    settings.pvdrLambda = pvdrLambda
    let seedList = try SeedList.parse(seeds)
    let trainURL = URL(fileURLWithPath: train), testURL = URL(fileURLWithPath: test)
    // Everything is read and trained before the directory is created: a failure leaves nothing behind.
    let data = try RatingsFiles(format: ratingsFormat, train: trainURL, test: testURL).load()
    let mcarRows = try mcar.map { try RatingsFiles(format: ratingsFormat, train: trainURL, test: URL(fileURLWithPath: $0)).load().test! }
    guard let testRows = data.test, testRows.count > 0 else { throw DebiasTrainError("\(test): no test ratings") }
    guard data.train.count >= 2 else { throw DebiasTrainError("\(train): need at least 2 training ratings") }
    let progress = ProgressLine(enabled: !quiet)
    progress.plan(jobs: seedList.flatMap { _ in list.map(\.rawValue) })
    var runs: [DebiasTrainOutput.Run] = []
    for seed in seedList {
      let p = try DebiasPropensity.estimate(source, data: data, mcar: mcarRows, dim: dim, seed: seed)
      let trainer = DebiasRatingsTrainer(data: data, test: testRows, propensity: p, settings: settings, progress: progress)
      for estimator in list {
        let start = ProcessInfo.processInfo.systemUptime
        let result = trainer.run(estimator, seed: seed)
        progress.jobFinished(estimator.rawValue, seconds: ProcessInfo.processInfo.systemUptime - start)
        runs.append(.init(estimator: estimator, seed: seed, result: result))
      }
    }
    progress.clear()
    let output = DebiasTrainOutput(command: self, settings: settings, seeds: seedList, estimators: list, test: testRows,
                                   data: data, runs: runs)
    let directory = URL(fileURLWithPath: out, isDirectory: true)
    try DataOutput.createDirectory(directory)
    try output.write(to: directory)
    print(output.table, terminator: "")
  }
}

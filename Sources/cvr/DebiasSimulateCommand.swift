// `cvr debias simulate`: the estimator report — each estimator's bias, std and
// RMSE against the known ideal loss of SimulatedWorld.study, per propensity floor
// and imputation quality; writes report.md, metrics.json and rmse.svg.
import ArgumentParser
import CVREstimators
import Foundation

struct DebiasSimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Bias, std and RMSE of each estimator of the ideal loss on simulated data with known propensities.",
    discussion: """
      World: x ~ U(0,1), p(x) = 0.01 + 0.29x, o ~ Bernoulli(p),
      e = 0.2 + 0.6x + U(-0.2,0.2); a draw's truth is its mean error over all rows.
      Floors 0.01, 0.05, 0.1. Imputations: exact (0.2 + 0.6x), rough (0.3 + 0.3x),
      constant (mean observed error). Estimators: naive, ips, snips, dr, stabledr,
      pvdr(0.5). Draw k uses seed S + k: the same seed gives the same bytes.
      Writes DIR/report.md, DIR/metrics.json and DIR/rmse.svg (RMSE against the
      floor, rough imputation).

      Example:
        cvr debias simulate --out study --draws 500 --rows 2000 --seed 0
      """)

  @Option(help: "The directory to write into (created if needed).")
  var out: String

  @Option(help: "The number of seeded draws (at least 2: the variance needs two).")
  var draws: Int = 500

  @Option(help: "The rows per draw (at least 10).")
  var rows: Int = 2000

  @Option(help: "The random seed; draw k uses seed + k.")
  var seed: UInt64 = 0

  func validate() throws {
    guard draws >= 2 else { throw ValidationError("--draws \(draws): need at least 2 draws (the variance needs two)") }
    guard rows >= 10 else { throw ValidationError("--rows \(rows): need at least 10 rows per draw") }
  }

  func run() throws {
    var study = EstimatorStudy()
    study.draws = draws
    study.rows = rows
    study.seed = seed
    // The study runs before anything is created, so a failure leaves nothing behind.
    let cells = try study.run()
    let directory = URL(fileURLWithPath: out, isDirectory: true)
    try DataOutput.createDirectory(directory)
    let files = try DebiasStudyOutput.write(study: study, cells: cells, to: directory)
    for file in files { print("wrote \(file.path)") }
  }
}

// `cvr debias`: the group of debiasing-estimator subcommands: `simulate`
// (the estimator report on a simulated world with known truth) and `train` (MF on ratings per estimator).
import ArgumentParser

struct DebiasCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "debias",
    abstract: "Debiasing estimators of the CVR loss (naive, IPS, SNIPS, DR, StableDR, PVDR).",
    discussion: """
      Example:
        cvr debias simulate --out study
        cvr debias train --train train.csv --test test.csv --format long --out run
      """,
    subcommands: [DebiasSimulateCommand.self, DebiasTrainCommand.self])
}

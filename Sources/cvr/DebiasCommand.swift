// `cvr debias`: the group of debiasing-estimator subcommands (for now only
// `simulate`, the estimator report on a simulated world with known truth).
import ArgumentParser

struct DebiasCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "debias",
    abstract: "Debiasing estimators of the CVR loss (naive, IPS, SNIPS, DR, StableDR, PVDR).",
    discussion: """
      Example:
        cvr debias simulate --out study
      """,
    subcommands: [DebiasSimulateCommand.self])
}

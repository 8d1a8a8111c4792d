// `cvr`: the command-line tool's root command; each subcommand lives in its own file.
import ArgumentParser

@main
struct CVRCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cvr",
    abstract: "Conversion-rate models: data preparation, inspection, evaluation, scoring and debiasing estimators.",
    discussion: """
      Each subcommand's --help lists its flags with their defaults and an example.

      Example (simulate, inspect, score with a model trained by train-metacvr, evaluate):
        cvr data generate --world ddf --out sim
        cvr data inspect --data sim/data.csv --schema sim/schema.yaml
        cvr predict --checkpoint out/checkpoints/BASE-seed1.ckpt --data sim/data.csv \\
          --schema sim/schema.yaml --out scores.csv
        cvr evaluate scores.csv --label conversion --score score \\
          --user user --where click=1
        cvr debias simulate --out study
      """,
    subcommands: [DataCommand.self, EvaluateCommand.self, PredictCommand.self, ServeCommand.self, DebiasCommand.self])
}

// `cvr`: the command-line tool's root command; each subcommand lives in its own file.
import ArgumentParser

@main
struct CVRCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cvr",
    abstract: "Conversion-rate models: data preparation, inspection, evaluation and scoring.",
    subcommands: [DataCommand.self, EvaluateCommand.self, PredictCommand.self])
}

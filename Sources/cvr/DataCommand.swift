// `cvr data`: the group of data subcommands (generate, inspect, convert).
import ArgumentParser

struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "Generate simulated data, inspect a data file, convert public data sets.",
    discussion: """
      Example:
        cvr data generate --world ddf --out sim
        cvr data inspect --data sim/data.csv --schema sim/schema.yaml
      """,
    // DataGenerateCommand and DataInspectCommand join this list once the
    // simulators and the ingestion are merged (see Pending/Sources/cvr).
    subcommands: [DataGenerateCommand.self, DataInspectCommand.self, DataConvertCommand.self])
}

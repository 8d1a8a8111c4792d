// `cvr data`: the group of data subcommands (generate, inspect, convert, schema).
import ArgumentParser

struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "Generate simulated data, inspect a data file, convert public data sets, write preset schemas.",
    // DataGenerateCommand and DataInspectCommand join this list once the
    // simulators and the ingestion are merged (see Pending/Sources/cvr).
    subcommands: [DataGenerateCommand.self, DataInspectCommand.self, DataConvertCommand.self, DataSchemaCommand.self])
}

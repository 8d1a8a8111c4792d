// `cvr data`: the group of data subcommands (generate, inspect, convert, schema).
import ArgumentParser

struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "Generate simulated data, inspect a data file, convert public data sets, write preset schemas.",
    discussion: """
      Example:
        cvr data generate --world ddf --out sim
        cvr data inspect --data sim/data.csv --schema sim/schema.yaml
        cvr data schema --preset aliccp-rechub --out aliccp/schema.yaml
      """,
    subcommands: [DataGenerateCommand.self, DataInspectCommand.self, DataConvertCommand.self, DataSchemaCommand.self])
}

// The data file and its schema, declared once for every executable that reads a log.
import ArgumentParser

/// `--data FILE --schema FILE`. Optional here because `train-metacvr` may take
/// them from `--config` or `--demo`; `required()` names the missing flag.
package struct DataFileOptions: ParsableArguments {
  @Option(help: "The CSV/TSV data file.")
  package var data: String?

  @Option(help: "Its schema file (YAML or JSON).")
  package var schema: String?

  package init() {}

  /// Both paths, or a validation error naming the flag that is missing.
  package func required() throws -> (data: String, schema: String) {
    guard let data else { throw ValidationError("--data is required") }
    guard let schema else { throw ValidationError("--schema is required") }
    return (data, schema)
  }
}

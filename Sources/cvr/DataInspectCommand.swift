// `cvr data inspect`: loads a CSV with its schema (through the cache) and
// prints the click/conversion funnel overall, per day, per occasion and per split.
import ArgumentParser
import CVRData
import Foundation

struct DataInspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Summarise a data file: rows, clicks, conversions, CTR, CVR, CTCVR.")

  @Option(help: "The CSV/TSV data file.")
  var data: String

  @Option(help: "Its schema file (YAML or JSON).")
  var schema: String

  @Flag(help: "Skip rows that do not parse (each is reported) instead of stopping at the first.")
  var skipBadRows = false

  @Option(help: "Training days D, e.g. 0-59.")
  var trainDays: DayRangeArgument?

  @Option(help: "Recent days D_r, e.g. 50-59.")
  var recentDays: DayRangeArgument?

  @Option(help: "Validation days D_v, e.g. 60-66.")
  var validDays: DayRangeArgument?

  @Flag(help: "Print the summary as JSON.")
  var json = false

  func validate() throws {
    let given = [trainDays, recentDays, validDays].filter { $0 != nil }.count
    guard given == 0 || given == 3 else {
      throw ValidationError("give all of --train-days, --recent-days and --valid-days, or none")
    }
  }

  func run() throws {
    let schemaURL = URL(fileURLWithPath: schema)
    let loadedSchema = try DataSchema.load(from: schemaURL)
    var options = IngestOptions()
    options.skipBadRows = skipBadRows
    let result = try DataIngest.load(
      URL(fileURLWithPath: data), schema: loadedSchema, schemaDirectory: schemaURL.deletingLastPathComponent(),
      options: options)
    let ingest = result.report
    if ingest.skippedRows > 0 {
      var message = "skipped \(ingest.skippedRows) bad rows; the first:\n"
      for error in ingest.firstSkipped { message += "  \(error)\n" }
      FileHandle.standardError.write(Data(message.utf8))
    }
    var splits: DataSplits?
    if let trainDays, let recentDays, let validDays {
      splits = try DataSplits(
        store: result.store,
        train: DayRange(trainDays.lower, trainDays.upper),
        recent: DayRange(recentDays.lower, recentDays.upper),
        valid: DayRange(validDays.lower, validDays.upper))
    }
    let report = DataInspection.summarize(result.store, splits: splits)
    if json {
      print(try report.json())
    } else {
      let source = ingest.fromCache ? "from the cache" : "parsed"
      print("\(data): \(ingest.rows) rows, \(ingest.bytes) bytes, \(source)\n")
      print(report.table())
    }
  }
}

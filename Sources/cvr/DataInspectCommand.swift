// `cvr data inspect`: loads a CSV with its schema (through the cache) and
// prints the click/conversion funnel overall, per day, per occasion and per split.
import ArgumentParser
import CVRCommandLine
import CVRData
import CVRIngest
import Foundation

struct DataInspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Summarise a data file: rows, clicks, conversions, CTR, CVR, CTCVR.",
    discussion: """
      Without day ranges: the whole file, per day and per occasion. With all three
      (default: none) also per split D, D_r, D_v. Output: a table (default) or --json.

      Example:
        cvr data inspect --data sim/data.csv --schema sim/schema.yaml \\
          --train-days 0-55 --recent-days 42-55 --valid-days 56-69
      """)

  @OptionGroup var files: DataFileOptions

  @Flag(help: "Skip rows that do not parse (each is reported) instead of stopping at the first.")
  var skipBadRows = false

  @OptionGroup var days: SplitDaysOptions

  @Flag(help: "Print the summary as JSON.")
  var json = false

  func validate() throws {
    _ = try files.required()
    guard days.givenCount == 0 || days.givenCount == 3 else {
      throw ValidationError("give all of --train-days, --recent-days and --valid-days, or none")
    }
  }

  func run() throws {
    let (data, schema) = try files.required()
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
    for warning in ingest.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    var splits: DataSplits?
    if let train = days.trainDays, let recent = days.recentDays, let valid = days.validDays {
      splits = try DataSplits(store: result.store, train: train.range, recent: recent.range, valid: valid.range)
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

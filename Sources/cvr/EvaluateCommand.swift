// `cvr evaluate`: global metrics (AUC, GAUC, log loss, PCOC, bootstrap interval)
// of a score column against a label column in a CSV/TSV file, printed as JSON.
import ArgumentParser
import CVRIngest
import CVRMetrics
import CVRReports
import Foundation

struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "AUC, GAUC, log loss and PCOC of a score column over a file's rows, as JSON.",
    discussion: """
      Every data row counts unless --where filters rows: --where COLUMN=VALUE keeps
      rows whose COLUMN holds VALUE (the same text, or the same number: click=1 keeps
      "1" and "1.0"); repeat it to require several (they are ANDed). A column that
      is not in the header is an error, and so is a filter that keeps no row.

      Example (the paper's CVR AUC: conversions among clicked rows):
        cvr evaluate scores.csv --label conversion --score score \\
          --user user --where click=1
      """)

  @Argument(help: "The delimited text file, with a header line.")
  var file: String

  @Option(help: "The 0/1 label column.")
  var label: String

  @Option(help: "The score column (probabilities for log loss and PCOC).")
  var score: String

  @Option(help: "A user column: adds GAUC (impression-weighted per-user AUC) (default: none).")
  var user: String?

  @Option(help: "The field delimiter: one character, or 'tab'.")
  var delimiter: String = ","

  @Option(help: "Bootstrap resamples for a percentile interval of the AUC (default: no interval).")
  var bootstrap: Int?

  @Option(help: "The bootstrap seed.")
  var seed: UInt64 = 0

  @Option(help: "The interval leaves out α (0.05 gives a 95 % interval).")
  var alpha: Double = 0.05

  @Option(name: .customLong("where"),
          help: ArgumentHelp("Keep only rows where COLUMN holds VALUE (repeatable, ANDed; default: every row).",
                             valueName: "column=value"))
  var filters: [String] = []

  func validate() throws {
    guard delimiterByte != nil else { throw ValidationError("--delimiter must be one ASCII character or 'tab'") }
    if let bootstrap, bootstrap < 1 { throw ValidationError("--bootstrap must be at least 1") }
    guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must be in (0, 1)") }
    for text in filters where ScoreFilter(parsing: text) == nil {
      throw ValidationError("--where '\(text.prefix(80))' must be COLUMN=VALUE (e.g. --where click=1)")
    }
  }

  var delimiterByte: UInt8? {
    if delimiter == "tab" || delimiter == "\\t" { return UInt8(ascii: "\t") }
    guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte < 128 else { return nil }
    return byte
  }

  func run() throws {
    let columns: ScoreColumns
    let rowFilters = filters.compactMap(ScoreFilter.init(parsing:))
    do {
      let read = try ScoreFile.readCounting(
        URL(fileURLWithPath: file), label: label, score: score, user: user, delimiter: delimiterByte!,
        filters: rowFilters)
      columns = read.columns
      if !rowFilters.isEmpty {
        let rule = rowFilters.map { "--where \($0)" }.joined(separator: " ")
        guard read.counts.kept > 0 else {
          throw ScoreFileError(file: file, line: 1, reason: "\(rule) keeps none of the \(read.counts.rows) rows")
        }
        FileHandle.standardError.write(Data("cvr evaluate: \(rule) kept \(read.counts.kept) of \(read.counts.rows) rows\n".utf8))
      }
    } catch {
      FileHandle.standardError.write(Data("cvr evaluate: error: \(error)\n".utf8))
      throw ExitCode.failure
    }
    let summary = EvaluationSummary(columns, bootstrapResamples: bootstrap, seed: seed, alpha: alpha)
    print(try summary.json())
  }
}

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
    abstract: "AUC, GAUC, log loss and PCOC of a score column over a whole file, as JSON.")

  @Argument(help: "The delimited text file, with a header line.")
  var file: String

  @Option(help: "The 0/1 label column.")
  var label: String

  @Option(help: "The score column (probabilities for log loss and PCOC).")
  var score: String

  @Option(help: "A user column: adds GAUC (impression-weighted per-user AUC).")
  var user: String?

  @Option(help: "The field delimiter: one character, or 'tab'.")
  var delimiter: String = ","

  @Option(help: "Bootstrap resamples for a percentile interval of the AUC.")
  var bootstrap: Int?

  @Option(help: "The bootstrap seed.")
  var seed: UInt64 = 0

  @Option(help: "The interval leaves out α (0.05 gives a 95 % interval).")
  var alpha: Double = 0.05

  func validate() throws {
    guard delimiterByte != nil else { throw ValidationError("--delimiter must be one ASCII character or 'tab'") }
    if let bootstrap, bootstrap < 1 { throw ValidationError("--bootstrap must be at least 1") }
    guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must be in (0, 1)") }
  }

  var delimiterByte: UInt8? {
    if delimiter == "tab" || delimiter == "\\t" { return UInt8(ascii: "\t") }
    guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte < 128 else { return nil }
    return byte
  }

  func run() throws {
    let columns: ScoreColumns
    do {
      columns = try ScoreFile.read(
        URL(fileURLWithPath: file), label: label, score: score, user: user, delimiter: delimiterByte!)
    } catch {
      FileHandle.standardError.write(Data("\(error)\n".utf8))
      throw ExitCode.failure
    }
    let summary = EvaluationSummary(columns, bootstrapResamples: bootstrap, seed: seed, alpha: alpha)
    print(try summary.json())
  }
}

// Harness (d): bytes as the file `cvr evaluate` reads: the score-file reader,
// then the summary and its JSON, as the command prints them.
import CVRIngest
import CVRMetrics
import CVRReports
import Foundation

/// Reads the bytes as a score file with columns click/score/user_id (with and
/// without the user column, comma and tab), and summarises what it read.
public func fuzzScoreFile(_ bytes: UnsafeRawBufferPointer) {
  scanAllRows(bytes, delimiter: UInt8(ascii: ","), capacity: 4)
  withScratchFile(bytes, suffix: "csv") { url in
    for (user, delimiter) in [("user_id", ","), (nil, ","), ("user_id", "\t")] as [(String?, Character)] {
      guard let columns = try? ScoreFile.read(url, label: "click", score: "score", user: user,
                                              delimiter: delimiter.asciiValue!)
      else { continue }
      _ = try? EvaluationSummary(columns).json()
    }
  }
}

// Bench results: the one-line console format and the JSON file, written
// atomically (CVRFileIO.AtomicFile) so a reader never sees half a report.
import CVRFileIO
import Foundation

/// One (kernel, threads) row of the report; field names are the JSON keys.
struct BenchRecord: Encodable {
  let name: String
  let threads: Int
  let shape: String
  let median_s: Double
  let min_s: Double
  let max_s: Double
  let repetitions: Int
  /// Null for memory-bound kernels (K6, K7), which report GB/s and rows/s instead.
  let gflops: Double?
  /// This kernel's GFLOP/s over K1's at the same thread count (null without flops).
  let frac_of_k1: Double?
  let gb_per_s: Double?
  let rows_per_s: Double?
  let checked: Bool
  let openblas: String

  /// `K2  threads=2  median 2.91 ms  min 2.85  max 3.40  GFLOP/s 108.1  frac_of_k1 0.83  checked`
  var line: String {
    func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1e3) }
    let label = name.padding(toLength: 12, withPad: " ", startingAt: 0)
    var text = "\(label) threads=\(threads)  median \(ms(median_s)) ms  min \(ms(min_s))  max \(ms(max_s))"
    if let gflops, let frac_of_k1 { text += String(format: "  GFLOP/s %.1f  frac_of_k1 %.2f", gflops, frac_of_k1) }
    if let gb_per_s { text += String(format: "  GB/s %.2f", gb_per_s) }
    if let rows_per_s { text += String(format: "  rows/s %.3g", rows_per_s) }
    return text + (checked ? "  checked" : "")
  }
}

enum Report {
  /// Writes `records` as a JSON list to `path` through `AtomicFile` (temporary
  /// beside it, fsync, rename, directory fsync): a reader never sees half a report.
  static func writeAtomically(_ records: [BenchRecord], to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try AtomicFile.write(try encoder.encode(records) + Data("\n".utf8), to: url)
  }
}

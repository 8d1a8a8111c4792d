// Bench results: the one-line console format and the JSON file, written
// atomically (CVRFileIO.AtomicFile) so a reader never sees half a report.
import CVRFileIO
import Foundation

/// One (kernel, threads) row of the report; field names are the JSON keys.
struct BenchRecord: Codable {
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
  /// M1, M2: samples per second (training: forward, backward and optimizer step).
  var samples_per_s: Double? = nil
  /// M1, M2: the process's peak resident memory in MiB (VmHWM of /proc/self/status),
  /// the workload running in a process of its own.
  var peak_rss_mib: Double? = nil
  let checked: Bool
  /// BLAS.configuration: the OpenBLAS build and the core it chose (core=Cooperlake, Zen, ...).
  let openblas: String
  /// The C vector kernels' level this run used (avx512, avx2, portable): with `openblas`,
  /// which flavour of machine every figure comes from. Null in files written before it.
  var vector_level: String? = nil

  /// `K2  threads=2  median 2.91 ms  min 2.85  max 3.40  GFLOP/s 108.1  frac_of_k1 0.83  checked`
  var line: String {
    func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1e3) }
    let label = name.padding(toLength: 12, withPad: " ", startingAt: 0)
    var text = "\(label) threads=\(threads)  median \(ms(median_s)) ms  min \(ms(min_s))  max \(ms(max_s))"
    if let gflops, let frac_of_k1 { text += String(format: "  GFLOP/s %.1f  frac_of_k1 %.2f", gflops, frac_of_k1) }
    if let gb_per_s { text += String(format: "  GB/s %.2f", gb_per_s) }
    if let rows_per_s { text += String(format: "  rows/s %.3g", rows_per_s) }
    if let samples_per_s { text += String(format: "  samples/s %.0f", samples_per_s) }
    if let peak_rss_mib { text += String(format: "  peak %.0f MiB", peak_rss_mib) }
    return text + (checked ? "  checked" : "")
  }
}

enum Report {
  /// The process's peak resident set in MiB: VmHWM from /proc/self/status (nil where absent).
  static func peakResidentMiB() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
      let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true)[1])
    else { return nil }
    return kib / 1024
  }

  /// Reads a JSON list written by `writeAtomically`.
  static func read(_ path: String) throws -> [BenchRecord] {
    try JSONDecoder().decode([BenchRecord].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
  }

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

// Bench results: the one-line console format and the JSON file, written
// atomically (temporary file in the same directory, fsync, rename) so a reader
// never sees half a report.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

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
  /// Writes `records` as a JSON list to `path`: temporary file beside it, fsync, rename.
  static func writeAtomically(_ records: [BenchRecord], to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = try encoder.encode(records)

    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
    guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
    }
    do {
      let handle = try FileHandle(forWritingTo: temporary)
      try handle.write(contentsOf: data)
      try handle.write(contentsOf: Data("\n".utf8))
      // The rename must not become visible before the bytes are on disk.
      guard fsync(handle.fileDescriptor) == 0 else {
        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
      }
      try handle.close()
      guard rename(temporary.path, url.path) == 0 else {
        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    }
  }
}

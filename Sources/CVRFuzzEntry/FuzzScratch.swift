// The readers under test take paths: each input becomes a file of its own in a
// per-process scratch directory, removed after the call.
import Foundation

/// The scratch directory of this process (created on first use, removed when the process exits).
let fuzzScratchDirectory: URL = {
  let url = fuzzScratchURL()
  try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  // A C exit handler cannot capture, so it rebuilds the path from the pid.
  atexit { try? FileManager.default.removeItem(at: fuzzScratchURL()) }
  return url
}()

private func fuzzScratchURL() -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent("cvr-fuzz-\(getpid())", isDirectory: true)
}

/// Writes `bytes` to a fresh file named `*.<suffix>`, runs `body` on it, removes it.
///
/// A unique name per call, so replay tests running in parallel never share a file.
func withScratchFile(_ bytes: UnsafeRawBufferPointer, suffix: String, _ body: (URL) -> Void) {
  let url = fuzzScratchDirectory.appendingPathComponent("\(UUID().uuidString).\(suffix)")
  let data = bytes.baseAddress.map { Data(bytes: $0, count: bytes.count) } ?? Data()
  // A scratch file that cannot be written is the machine's problem, not a finding.
  guard (try? data.write(to: url)) != nil else { return }
  defer { try? FileManager.default.removeItem(at: url) }
  body(url)
}

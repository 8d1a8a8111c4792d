// Scratch directories for tests that write files, and a listing that shows the
// hidden entries where a leaked temporary file would be.
import Foundation

/// This process's scratch root, `$TMPDIR/cvr-test-run-PID`, removed when the
/// process exits: tests need not clean up after themselves, and a test run
/// leaves nothing behind in the temporary directory.
private let scratchRoot: URL = {
  let url = scratchRootURL()
  try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  // A C exit handler cannot capture, so it rebuilds the path from the pid.
  atexit { try? FileManager.default.removeItem(at: scratchRootURL()) }
  return url
}()

private func scratchRootURL() -> URL {
  FileManager.default.temporaryDirectory.appendingPathComponent("cvr-test-run-\(getpid())", isDirectory: true)
}

/// A new, empty directory under this process's scratch root.
public func scratchDirectory() throws -> URL {
  let url = scratchRoot.appendingPathComponent(UUID().uuidString, isDirectory: true)
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The names in `directory`, sorted, hidden ones included.
public func entries(of directory: URL) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

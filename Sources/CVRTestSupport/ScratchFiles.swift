// Scratch directories for tests that write files, and a listing that shows the
// hidden entries where a leaked temporary file would be.
import Foundation

/// A new, empty directory under the system's temporary directory.
public func scratchDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// The names in `directory`, sorted, hidden ones included.
public func entries(of directory: URL) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
}

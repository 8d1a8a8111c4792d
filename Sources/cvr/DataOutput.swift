// Output locations of the `cvr data` commands: directories are created with
// an error a user reads ("cannot create directory D: …"), never Foundation's
// NSCocoaErrorDomain text, and only once the inputs have been checked.
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory that could not be made.
struct OutputError: Error, CustomStringConvertible {
  let description: String
}

enum DataOutput {
  /// Creates `directory` and its parents when missing.
  ///
  /// Throws `OutputError` naming the path and the reason: an ancestor that is
  /// a file ("… is a file, not a directory"), or the system's reason (e.g.
  /// "Permission denied") for the first directory that cannot be made.
  static func createDirectory(_ directory: URL) throws {
    let path = directory.standardizedFileURL.path
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw OutputError(description: "cannot create directory \(path): it is a file, not a directory")
      }
      return
    }
    // Walk down from the root so the message names the first component that fails.
    var current = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
      current += "/" + component
      if FileManager.default.fileExists(atPath: current, isDirectory: &isDirectory) {
        guard isDirectory.boolValue else {
          throw OutputError(description: "cannot create directory \(path): \(current) is a file, not a directory")
        }
        continue
      }
      guard mkdir(current, 0o755) == 0 || errno == EEXIST else {
        throw OutputError(description: "cannot create directory \(current): \(String(cString: strerror(errno)))")
      }
    }
  }

  /// Creates the directory that will hold `file`.
  static func createParent(of file: URL) throws { try createDirectory(file.deletingLastPathComponent()) }
}

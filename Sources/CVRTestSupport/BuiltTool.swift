// Runs one of the package's executables (cvr, train-metacvr) as a user would:
// the binary built next to the test bundle, its exit status and both streams.
import Foundation

/// An executable of this package, found next to the running test bundle.
public enum BuiltTool {
  /// What one invocation printed and returned.
  public struct Run: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// stdout then stderr, for checks that do not care which stream a line went to.
    public var output: String { stdout + stderr }
  }

  /// The tool was not built (`swift build` builds every product before `swift test` runs them).
  public struct Missing: Error, CustomStringConvertible {
    public let name: String
    public let directory: String
    public var description: String { "\(name) is not built next to the tests in \(directory)" }
  }

  /// The path of `name` beside the test bundle.
  public static func url(_ name: String) throws -> URL {
    let directory = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
    let url = directory.appendingPathComponent(name)
    guard FileManager.default.isExecutableFile(atPath: url.path) else { throw Missing(name: name, directory: directory.path) }
    return url
  }

  /// Runs `name` with `arguments` to the end. Both pipes are drained while it
  /// runs (a child writing more than a pipe holds would otherwise block).
  public static func run(_ name: String, _ arguments: [String]) throws -> Run {
    let process = Process()
    process.executableURL = try url(name)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    nonisolated(unsafe) var errorData = Data()
    let reader = Thread { errorData = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
               stderr: String(decoding: errorData, as: UTF8.self))
  }
}

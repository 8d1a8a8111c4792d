// Launching distributed-check (built next to the tests) alone or under
// `mpirun -np N`, with a deadline, capturing its output.
import Foundation

struct MPIRun {
  struct Outcome {
    var status: Int32
    var timedOut: Bool
    var seconds: Double
    var stdout: String
    var stderr: String
  }

  /// mpirun on PATH, or nil.
  static let mpirun: URL? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
    .map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
    .first { FileManager.default.isExecutableFile(atPath: $0.path) }

  /// The test programme, next to the test bundle.
  static let check = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("distributed-check")

  /// train-metacvr, next to the test bundle.
  static let trainMetaCVR = check.deletingLastPathComponent().appendingPathComponent("train-metacvr")

  /// `program ARGS` (distributed-check by default) under `mpirun -np ranks` (ranks nil:
  /// alone, no MPI), with `extra` environment variables, killed after `deadline` seconds.
  /// As root, Open MPI refuses to start without its two "allow run as root" variables; CI runs as root.
  static func run(ranks: Int?, _ arguments: [String], program: URL = check, extra: [String: String] = [:],
                  deadline: Double = 900) throws -> Outcome {
    let process = Process()
    var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
    environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    process.environment = environment
    if let ranks {
      process.executableURL = mpirun!
      process.arguments = ["-np", "\(ranks)", "--oversubscribe", program.path] + arguments
    } else {
      process.executableURL = program
      process.arguments = arguments
    }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mpirun-\(UUID().uuidString)")
    let outURL = scratch.appendingPathExtension("out"), errURL = scratch.appendingPathExtension("err")
    for url in [outURL, errURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
    defer { for url in [outURL, errURL] { try? FileManager.default.removeItem(at: url) } }
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    let started = Date()
    try process.run()
    var timedOut = false
    while process.isRunning {
      if Date().timeIntervalSince(started) > deadline {
        process.terminate()
        timedOut = true
        break
      }
      usleep(20_000)
    }
    process.waitUntilExit()
    try out.close()
    try err.close()
    return Outcome(status: process.terminationStatus, timedOut: timedOut, seconds: Date().timeIntervalSince(started),
                   stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                   stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
  }

  /// "name v v …" lines → name: values.
  static func parameters(at path: String) throws -> [String: [Float]] {
    var out: [String: [Float]] = [:]
    for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
      let fields = line.split(separator: " ")
      out[String(fields[0])] = fields.dropFirst().map { Float(String($0))! }
    }
    return out
  }
}

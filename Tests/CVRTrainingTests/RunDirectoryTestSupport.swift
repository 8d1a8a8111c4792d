// What the tests of train-metacvr's runs share: the real binary next to the
// test bundle, the tiny DDF world on disk, a small config, and a runner that
// can kill the process at a chosen moment.
import CVRSimulation
import CVRTestSupport
import Foundation
import Testing

/// A small train-metacvr job on the tiny world: one seed, a few epochs.
struct TrainMetaCVRJob {
  let binary: URL
  let data: URL
  let schema: URL
  let config: URL

  /// nil (with an issue recorded) when the binary is not built next to the tests.
  static func make(models: String = "LR,BASE,XGBoost,BASE-F,ESMM", epochs: Int = 4, learningRate: Double = 0.01,
                   extraConfig: String = "") throws
    -> TrainMetaCVRJob? {
    let binary = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("train-metacvr")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
      Issue.record("train-metacvr is not built next to the tests (\(binary.path))")
      return nil
    }
    let directory = try scratchDirectory()
    let files = try DDFWorld.write(.tiny, seed: 5, to: directory)
    let config = directory.appendingPathComponent("run.yaml")
    let text = """
      models: [\(models)]
      seeds: [1]
      preset: demo
      train_days: "0-20"
      recent_days: "14-20"
      valid_days: "21-27"
      training:
        max_epochs: \(epochs)
        batch_size: 128
        learning_rate: \(learningRate)
        patience: \(epochs)
      xgboost:
        rounds: 8
      \(extraConfig)
      """
    try text.write(to: config, atomically: true, encoding: .utf8)
    return TrainMetaCVRJob(binary: binary, data: files.data, schema: files.schema, config: config)
  }

  func arguments(out: URL, _ extra: [String] = []) -> [String] {
    ["--config", config.path, "--data", data.path, "--schema", schema.path, "--out", out.path, "--quiet", "--threads", "1"]
      + extra
  }

  struct Outcome {
    var status: Int32
    var killed: Bool
    var stderr: String
  }

  /// Starts the binary without waiting (stderr discarded).
  func start(out: URL, _ extra: [String] = []) throws -> Process {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments(out: out, extra)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Runs the binary; when `killWhen` is given it is polled every few
  /// milliseconds and the process gets SIGKILL the first time it holds.
  func run(out: URL, _ extra: [String] = [], killWhen: (() -> Bool)? = nil) throws -> Outcome {
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments(out: out, extra)
    let errors = FileManager.default.temporaryDirectory.appendingPathComponent("tm-stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errors) }
    let handle = try FileHandle(forWritingTo: errors)
    process.standardOutput = FileHandle.nullDevice
    process.standardError = handle
    try process.run()
    var killed = false
    if let killWhen {
      while process.isRunning {
        if killWhen() {
          kill(process.processIdentifier, SIGKILL)
          killed = true
          break
        }
        usleep(2_000)
      }
    }
    process.waitUntilExit()
    try handle.close()
    let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
    return Outcome(status: process.terminationStatus, killed: killed && process.terminationReason == .uncaughtSignal,
                   stderr: text)
  }
}

/// Whether any file in `directory` has a name ending with `suffix`.
func holdsFile(_ directory: URL, suffix: String) -> Bool {
  ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).contains { $0.hasSuffix(suffix) }
}

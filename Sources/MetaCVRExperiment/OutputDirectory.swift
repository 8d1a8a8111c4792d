// The --out directory of one experiment run (train-metacvr, train-egean): locked for the run's whole
// life (a second run into it fails at once, naming the first one's pid),
// refused when it already holds another run's results unless the run
// overwrites or resumes it, and swept of our own stale temporaries.
import CVRCore
import CVRFileIO
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the output directory cannot be used.
package struct OutputDirectoryError: Error, Equatable, CustomStringConvertible {
  package let message: String
  package var description: String { message }
}

/// A claimed output directory: created if missing, locked with `flock` on
/// DIR/.train-metacvr.lock (released by the kernel if the process dies, so a
/// killed run never blocks the next one).
package final class OutputDirectory {
  package enum Mode: Sendable {
    case fresh, overwrite, resume

    /// `--resume` and `--overwrite` (never both: the flags refuse that).
    package init(resume: Bool, overwrite: Bool) { self = resume ? .resume : overwrite ? .overwrite : .fresh }
  }

  package static let lockName = ".train-metacvr.lock"
  /// Files whose presence means the directory holds a run (results, or a run under way).
  package static let runFiles = ["config.yaml", "metrics.json", "timings.json", "report.md", "checkpoints"]

  package let url: URL
  package let mode: Mode
  private var descriptor: Int32 = -1

  private var lockPath: String { url.appendingPathComponent(Self.lockName).path }

  /// Creates `url` when missing, takes its lock, then applies `mode`: `.fresh`
  /// refuses a directory holding a run, `.overwrite` deletes the previous run's
  /// files (only the names train-metacvr writes), `.resume` requires one.
  package init(claiming url: URL, mode: Mode) throws {
    self.url = url
    self.mode = mode
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw OutputDirectoryError(message: "--out \(url.path) is a file, not a directory") }
    } else {
      guard mode != .resume else {
        throw OutputDirectoryError(message: "--resume: \(url.path) does not exist, so there is no run to resume")
      }
      do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
        throw OutputDirectoryError(message: "--out \(url.path): cannot create the directory (\(Self.reason(error)))")
      }
    }
    try lock()
    do {
      let present = Self.runFiles.filter { FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path) }
      switch mode {
      case .fresh:
        guard present.isEmpty else {
          throw OutputDirectoryError(
            message: "--out \(url.path) already holds a run (\(present.joined(separator: ", "))); pass --resume to "
              + "continue it, --overwrite to replace it, or choose another --out")
        }
      case .overwrite: try removePreviousRun()
      case .resume:
        guard present.contains("config.yaml") else {
          throw OutputDirectoryError(message: "--resume: \(url.path) holds no run to resume (no config.yaml)")
        }
      }
      // The lock guarantees no other run writes here: every temporary of ours is a leftover.
      for directory in [url, url.appendingPathComponent("checkpoints")] {
        AtomicFile.removeStaleTemporaries(in: directory, olderThan: 0)
      }
    } catch {
      release()
      throw error
    }
  }

  deinit { release() }

  /// Unlocks and removes the lock file (the directory and its results stay).
  package func release() {
    guard descriptor >= 0 else { return }
    _ = unlink(lockPath)
    _ = close(descriptor)
    descriptor = -1
  }

  /// Marks the directory as holding a run of `config` before its first epoch:
  /// writes config.yaml, or (resuming) checks it is the same run's.
  package func begin(_ config: ExperimentConfig) throws {
    if mode == .resume { return try checkResumes(config) }
    try AtomicFile.write(Data(try config.yaml().utf8), to: url.appendingPathComponent("config.yaml"))
  }

  /// The resolved config of the run in the directory must be this one (a resume
  /// with other flags or another config file would mix two runs).
  package func checkResumes(_ config: ExperimentConfig) throws {
    let file = url.appendingPathComponent("config.yaml")
    let recorded = try ExperimentConfig.load(from: file)
    let differences = try JSONValue(encoding: config).differences(from: JSONValue(encoding: recorded))
    guard differences.isEmpty else {
      throw OutputDirectoryError(
        message: "--resume: this invocation's settings differ from the run in \(file.path): "
          + differences.prefix(5).map { "\($0.path): \(Self.cut($0.found)) here, \(Self.cut($0.expected)) there" }
            .joined(separator: "; ")
          + " (resume with the same flags and config)")
    }
  }

  /// Takes the lock or fails at once with the holder's pid.
  private func lock() throws {
    for _ in 0..<3 {
      let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        throw OutputDirectoryError(message: "--out \(url.path): cannot create the lock file \(Self.lockName) (\(String(cString: strerror(errno))))")
      }
      guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
        let code = errno
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = read(fd, &buffer, buffer.count)
        _ = close(fd)
        guard code == EWOULDBLOCK else {
          throw OutputDirectoryError(message: "--out \(url.path): cannot lock \(Self.lockName) (\(String(cString: strerror(code))))")
        }
        let pid = String(decoding: buffer.prefix(max(n, 0)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        throw OutputDirectoryError(
          message: "--out \(url.path) is in use by another experiment run (train-metacvr or train-egean, pid \(pid.isEmpty ? "unknown" : pid)); "
            + "wait for it to finish or choose another --out")
      }
      // A run that finished between our open and our flock unlinked the file we
      // hold: lock the file now at that path instead.
      var held = stat(), current = stat()
      guard fstat(fd, &held) == 0, stat(lockPath, &current) == 0, held.st_ino == current.st_ino,
        held.st_dev == current.st_dev
      else {
        _ = close(fd)
        continue
      }
      let text = Array("\(getpid())\n".utf8)
      _ = ftruncate(fd, 0)
      _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
      descriptor = fd
      return
    }
    throw OutputDirectoryError(message: "--out \(url.path): the lock file keeps changing; is another run starting?")
  }

  /// Deletes what train-metacvr wrote there: the result files, the plots, and
  /// the checkpoints directory's model files, run records and resume points.
  private func removePreviousRun() throws {
    let fm = FileManager.default
    let names = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
    for name in names where Self.runFiles.contains(name) && name != "checkpoints" || Self.isPlot(name) {
      try remove(url.appendingPathComponent(name))
    }
    let checkpoints = url.appendingPathComponent("checkpoints")
    for name in (try? fm.contentsOfDirectory(atPath: checkpoints.path)) ?? [] where Self.isCheckpointFile(name) {
      try remove(checkpoints.appendingPathComponent(name))
    }
    if let left = try? fm.contentsOfDirectory(atPath: checkpoints.path), left.isEmpty { try remove(checkpoints) }
  }

  private func remove(_ file: URL) throws {
    do { try FileManager.default.removeItem(at: file) } catch {
      throw OutputDirectoryError(message: "--overwrite: cannot remove \(file.path) (\(Self.reason(error)))")
    }
  }

  static func isPlot(_ name: String) -> Bool {
    ["roc.svg", "calibration.svg", "loss.svg", "loss-recent.svg"].contains(name) || (name.hasPrefix("prototypes-") && name.hasSuffix(".svg"))
  }

  /// NAME-seedS.{ckpt,xgb,xgb.json,run.json,state}: what the runner writes under checkpoints/.
  static func isCheckpointFile(_ name: String) -> Bool {
    guard let range = name.range(of: "-seed", options: .backwards) else { return false }
    let tail = name[range.upperBound...]
    let digits = tail.prefix { $0.isASCII && $0.isNumber }
    guard !digits.isEmpty, !name[..<range.lowerBound].isEmpty else { return false }
    return [".ckpt", ".xgb", ".xgb.json", ".run.json", ".state"].contains(String(tail.dropFirst(digits.count)))
  }

  /// A value as the message shows it: at most 80 characters.
  private static func cut(_ value: JSONValue?) -> String {
    guard let value else { return "absent" }
    let text = "\(value)"
    return text.count > 80 ? String(text.prefix(77)) + "..." : text
  }

  private static func reason(_ error: any Error) -> String {
    (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
  }
}

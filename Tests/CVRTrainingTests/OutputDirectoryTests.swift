// train-metacvr's --out: locked for the run (a second run fails at once with
// the first one's pid), refused when it holds another run unless --overwrite
// (which deletes only our files) or --resume (which needs the same settings),
// never created by an invocation whose arguments are bad; a diverged run is an
// error with no metrics.json.
import CVRCheckpoint
import CVRTestSupport
import Foundation
import Testing

@Suite(.serialized) struct OutputDirectoryTests {
  @Test func aSecondRunIntoTheSameOutFailsAtOnceNamingThePid() throws {
    guard let job = try TrainMetaCVRJob.make(epochs: 6) else { return }
    let out = try scratchDirectory().appendingPathComponent("out")
    let first = try job.start(out: out)
    let lock = out.appendingPathComponent(".train-metacvr.lock")
    while first.isRunning && !FileManager.default.fileExists(atPath: lock.path) { usleep(2_000) }
    let second = try job.run(out: out, ["--resume"])
    first.waitUntilExit()
    #expect(first.terminationStatus == 0)
    #expect(second.status == 1)
    #expect(second.stderr.contains("is in use by another experiment run (train-metacvr or train-egean, pid \(first.processIdentifier))"),
            "\(second.stderr)")
    #expect(!FileManager.default.fileExists(atPath: lock.path), "the lock file outlived the run")
  }

  @Test func anOutHoldingARunIsRefusedUnlessOverwrite() throws {
    guard let job = try TrainMetaCVRJob.make(models: "LR", epochs: 1) else { return }
    let out = try scratchDirectory().appendingPathComponent("out")
    #expect(try job.run(out: out).status == 0)
    let again = try job.run(out: out)
    #expect(again.status == 1)
    #expect(again.stderr.contains("already holds a run (config.yaml, metrics.json, timings.json, report.md, checkpoints)"),
            "\(again.stderr)")
    #expect(again.stderr.contains("pass --resume to continue it, --overwrite to replace it"))
    // --overwrite removes the earlier run's files (a stale checkpoint too) and nothing else.
    let stale = out.appendingPathComponent("checkpoints/OLD-seed9.ckpt")
    try Data("old".utf8).write(to: stale)
    try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
    try Data("mine".utf8).write(to: out.appendingPathComponent("checkpoints/README"))
    let replaced = try job.run(out: out, ["--overwrite"])
    #expect(replaced.status == 0, "\(replaced.stderr)")
    #expect(!FileManager.default.fileExists(atPath: stale.path))
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("notes.txt").path))
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("checkpoints/README").path))
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.json").path))
    let both = try job.run(out: out, ["--overwrite", "--resume"])
    #expect(both.status == 64 && both.stderr.contains("give one of them"))
  }

  @Test func aResumeNeedsTheSameRunAndAnExistingOne() throws {
    guard let job = try TrainMetaCVRJob.make(models: "LR", epochs: 1) else { return }
    let out = try scratchDirectory().appendingPathComponent("out")
    let missing = try job.run(out: out, ["--resume"])
    #expect(missing.status == 1 && missing.stderr.contains("there is no run to resume"), "\(missing.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
    #expect(try job.run(out: out).status == 0)
    let other = try job.run(out: out, ["--resume", "--seeds", "1,2"])
    #expect(other.status == 1)
    #expect(other.stderr.contains("--resume: this invocation's settings differ") && other.stderr.contains("seeds"),
            "\(other.stderr)")
    // The same settings: every model is reused, the files come out the same.
    let metrics = try Data(contentsOf: out.appendingPathComponent("metrics.json"))
    let same = try job.run(out: out, ["--resume"])
    #expect(same.status == 0 && same.stderr.contains("reused from the interrupted run"), "\(same.stderr)")
    #expect(try Data(contentsOf: out.appendingPathComponent("metrics.json")) == metrics)
    // A resume point of other settings is said and discarded, not loaded; LR retrains to the same numbers.
    let checkpoints = out.appendingPathComponent("checkpoints")
    try FileManager.default.removeItem(at: checkpoints.appendingPathComponent("LR-seed1.run.json"))
    try Checkpoint.save(to: checkpoints.appendingPathComponent("LR-seed1.state"), kind: "training-state",
                        config: .string("another run"), seed: 0, step: 0, parameters: [])
    let stale = try job.run(out: out, ["--resume"])
    #expect(stale.status == 0 && stale.stderr.contains("LR-seed1.state does not match this run's model and settings"),
            "\(stale.stderr)")
    #expect(try Data(contentsOf: out.appendingPathComponent("metrics.json")) == metrics)
  }

  @Test func aFailedInvocationLeavesNoOut() throws {
    guard let job = try TrainMetaCVRJob.make(models: "LR", epochs: 1) else { return }
    let root = try scratchDirectory()
    let cases: [[String]] = [["--models", "NoSuchModel"], ["--seeds", "1,1"], ["--dmn", "manhattan", "--models", "MetaCVR"]]
    for (index, flags) in cases.enumerated() {
      let out = root.appendingPathComponent("out\(index)")
      let outcome = try job.run(out: out, flags)
      #expect(outcome.status != 0, "\(flags) was accepted")
      #expect(!FileManager.default.fileExists(atPath: out.path), "\(flags) left \(out.path) behind")
    }
    // A data file that does not load: still nothing created.
    let out = root.appendingPathComponent("out-data")
    let process = Process()
    process.executableURL = job.binary
    process.arguments = ["--config", job.config.path, "--data", root.appendingPathComponent("none.csv").path,
                         "--schema", job.schema.path, "--out", out.path, "--quiet"]
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 1)
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func aDivergedRunIsAnErrorNotAnAUC() throws {
    guard let job = try TrainMetaCVRJob.make(models: "LR", epochs: 3, learningRate: 1e9) else { return }
    let out = try scratchDirectory().appendingPathComponent("out")
    let outcome = try job.run(out: out)
    #expect(outcome.status == 1)
    #expect(outcome.stderr.contains("train-metacvr: error: LR seed 1: training diverged at epoch "), "\(outcome.stderr)")
    #expect(outcome.stderr.contains(", step "))
    #expect(!outcome.stderr.contains("AUC 0.5000"))
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.json").path))
  }
}

// Kill -9 and --resume: the real train-metacvr binary is killed at several
// points of a small run (inside the first model's training, between models,
// inside the fine-tuned model that builds on it) and resumed each time; the final metrics.json must
// equal an uninterrupted run's byte for byte, and two uninterrupted runs must
// agree byte for byte too.
import CVRTestSupport
import Foundation
import Testing

@Suite(.serialized) struct ResumeAfterKillTests {
  @Test func metricsJSONIsByteIdenticalBetweenIdenticalRunsAndAfterKills() throws {
    guard let job = try TrainMetaCVRJob.make() else { return }
    let root = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let reference = root.appendingPathComponent("reference")
    let first = try job.run(out: reference)
    #expect(first.status == 0, "reference run failed: \(first.stderr)")
    let again = root.appendingPathComponent("again")
    #expect(try job.run(out: again).status == 0)
    let expected = try Data(contentsOf: reference.appendingPathComponent("metrics.json"))
    #expect(try Data(contentsOf: again.appendingPathComponent("metrics.json")) == expected,
            "two identical runs wrote different metrics.json")

    let out = root.appendingPathComponent("killed")
    let checkpoints = out.appendingPathComponent("checkpoints")
    // Kill points: BASE's first epoch checkpoint exists; BASE finished (its run
    // record), BASE-F's first epoch checkpoint exists.
    let points: [() -> Bool] = [
      { FileManager.default.fileExists(atPath: checkpoints.appendingPathComponent("BASE-seed1.state").path) },
      { FileManager.default.fileExists(atPath: checkpoints.appendingPathComponent("BASE-seed1.run.json").path) },
      { FileManager.default.fileExists(atPath: checkpoints.appendingPathComponent("BASE-F-seed1.state").path) },
    ]
    var kills = 0, resumedInside = 0
    for (index, point) in points.enumerated() {
      let outcome = try job.run(out: out, index == 0 ? [] : ["--resume"], killWhen: point)
      if outcome.killed { kills += 1 } else { #expect(outcome.status == 0, "\(outcome.stderr)") }
      if outcome.stderr.contains("resuming from") { resumedInside += 1 }
    }
    print("ResumeAfterKillTests: \(kills) of \(points.count) kills landed")
    #expect(kills >= 2, "the run ended before most kill points (\(kills) kills)")
    let resumed = try job.run(out: out, ["--resume"])
    #expect(resumed.status == 0, "resume failed: \(resumed.stderr)")
    #expect(resumed.stderr.contains("reused from the interrupted run"))
    if resumed.stderr.contains("resuming from") { resumedInside += 1 }
    // Continued from an epoch checkpoint, not retrained (a retrain would match too).
    #expect(resumedInside >= 1)
    #expect(try Data(contentsOf: out.appendingPathComponent("metrics.json")) == expected,
            "the resumed run's metrics.json differs from the uninterrupted run's")
    // Nothing of the resume machinery is left once the run is complete.
    #expect(!holdsFile(checkpoints, suffix: ".state"))
    #expect(!holdsFile(out, suffix: ".lock"))
  }
}

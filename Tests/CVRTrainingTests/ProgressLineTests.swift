// The progress line off a terminal (plain lines, no carriage return) and on one
// (redrawn in place), and the whole run's ETA over every model and seed.
import CVRTraining
import Testing

@Suite struct ProgressLineTests {
  final class Capture: @unchecked Sendable { var text = "" }

  func progress(_ epoch: Int, eta: Double = 30) -> TrainingProgress {
    TrainingProgress(stage: "train", model: "BASE seed 1", epoch: epoch, maxEpochs: 3, step: 1, stepsPerEpoch: 10,
                     samplesPerSecond: 100, runningLoss: 0.5, etaSeconds: eta)
  }

  @Test func offATerminalEveryLineIsPlainAndEnded() {
    let capture = Capture()
    let line = ProgressLine(terminal: false, write: { capture.text += $0 })
    line.update(progress(1), force: true)
    line.clear()
    line.update(progress(2), force: true)
    line.finish("done")
    #expect(!capture.text.contains("\r"))
    #expect(capture.text.split(separator: "\n", omittingEmptySubsequences: false).count == 4)
    #expect(capture.text.hasSuffix("done\n"))
  }

  @Test func offATerminalLinesAreRateLimited() {
    let capture = Capture()
    let line = ProgressLine(plainInterval: 3600, terminal: false, write: { capture.text += $0 })
    for epoch in 1...50 { line.update(progress(epoch)) }
    #expect(capture.text.split(separator: "\n").count == 1)
  }

  @Test func onATerminalTheLineIsRedrawnInPlace() {
    let capture = Capture()
    let line = ProgressLine(terminal: true, write: { capture.text += $0 })
    line.update(progress(1), force: true)
    line.clear()
    #expect(capture.text.hasPrefix("\r") && !capture.text.contains("\n"))
  }

  @Test func theLineCarriesTheRunETA() {
    let capture = Capture()
    let line = ProgressLine(terminal: false, write: { capture.text += $0 })
    line.plan(jobs: ["BASE", "DCN", "BASE", "DCN"])
    line.jobFinished("BASE", seconds: 100)
    line.update(progress(1, eta: 20), force: true)
    // DCN now: 20 s left; then BASE (100 s, measured) and DCN (guessed at the mean of finished jobs: 100 s).
    #expect(capture.text.contains("| run 2/4, ETA 3:40"), "\(capture.text)")
  }

  @Test func runETAUsesEachModelsOwnTimeOnceMeasured() {
    var plan = RunPlan(jobs: ["BASE", "XGBoost", "BASE", "XGBoost", "BASE", "XGBoost"])
    // Before anything finished: the current job's projected time for every later job.
    #expect(plan.remainingSeconds(currentElapsed: 10, currentETA: 30) == 30 + 5 * 40)
    plan.finish("BASE", seconds: 60)
    plan.finish("XGBoost", seconds: 4)
    // Current: BASE of seed 2 (ETA 12); then XGBoost 4, BASE 60, XGBoost 4.
    #expect(plan.remainingSeconds(currentElapsed: 48, currentETA: 12) == 12 + 4 + 60 + 4)
    #expect(plan.done == 2)
  }
}

// The training status on standard error. On a terminal: one line rewritten in
// place with a carriage return, a few times a second. Anywhere else (a log file,
// a pipe): plain lines, one every `plainInterval` seconds, never a `\r`.
// With a run plan (every model × seed) it adds the whole run's ETA.
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `TrainingProgress` lines to stderr, throttled.
public final class ProgressLine: @unchecked Sendable {
  /// Seconds between two redraws on a terminal (0.25: four a second).
  public let interval: Double
  /// Seconds between two plain lines when stderr is not a terminal: a log gets a
  /// line per 10 s, not thousands of overwritten ones.
  public let plainInterval: Double
  /// Whether the line is redrawn in place (stderr is a terminal).
  public let isTerminal: Bool
  private var lastDraw = -Double.infinity
  private var width = 0
  private let enabled: Bool
  private let write: (String) -> Void
  private var run = RunPlan(jobs: [])
  private var jobStart: Double?

  /// - Parameters:
  ///   - enabled: false makes every call a no-op (tests, `--quiet`).
  ///   - terminal: whether to redraw in place; nil: `isatty(stderr)`.
  ///   - write: where text goes (nil: standard error); tests capture it.
  public init(interval: Double = 0.25, plainInterval: Double = 10, enabled: Bool = true, terminal: Bool? = nil,
              write: ((String) -> Void)? = nil) {
    self.interval = interval
    self.plainInterval = plainInterval
    self.enabled = enabled
    self.isTerminal = terminal ?? (isatty(STDERR_FILENO) == 1)
    self.write = write ?? { FileHandle.standardError.write(Data($0.utf8)) }
  }

  /// The whole run's jobs in order (a model name per model and seed): enables the run ETA.
  public func plan(jobs: [String]) {
    run = RunPlan(jobs: jobs)
    jobStart = nil
  }

  /// Job `name` (the next of the plan) took `seconds`; the run ETA learns its time.
  public func jobFinished(_ name: String, seconds: Double) {
    run.finish(name, seconds: seconds)
    jobStart = nil
  }

  /// Redraws the line when the interval has passed since the last redraw (or `force`).
  public func update(_ progress: TrainingProgress, force: Bool = false) {
    guard enabled else { return }
    let now = ProcessInfo.processInfo.systemUptime
    if jobStart == nil { jobStart = now }
    guard force || now - lastDraw >= (isTerminal ? interval : plainInterval) else { return }
    lastDraw = now
    var text = progress.line
    if !run.jobs.isEmpty {
      let left = run.remainingSeconds(currentElapsed: now - (jobStart ?? now), currentETA: progress.etaSeconds)
      text += " | run \(run.done + 1)/\(run.jobs.count), ETA \(TrainingProgress.duration(left))"
    }
    draw(text)
  }

  /// Replaces the line with `text` and ends it (the next update starts a new line).
  public func finish(_ text: String) {
    guard enabled else { return }
    draw(text)
    if isTerminal { write("\n") }
    width = 0
    lastDraw = -Double.infinity
  }

  /// Blanks the current line (if any) so other output can start at column 0.
  public func clear() {
    guard enabled, isTerminal, width > 0 else { return }
    write("\r" + String(repeating: " ", count: width) + "\r")
    width = 0
    lastDraw = -Double.infinity
  }

  private func draw(_ text: String) {
    guard isTerminal else {
      write(text + "\n")
      return
    }
    // Pad over the previous line's tail: a shorter line must not leave old characters.
    let count = text.count
    let padding = max(0, width - count)
    width = count
    write("\r" + text + String(repeating: " ", count: padding))
  }
}

// A single updating status line on standard error: rewritten in place with a
// carriage return, at most a few times a second so it never slows training.
import Foundation

/// Writes `TrainingProgress` lines to stderr, throttled.
public final class ProgressLine: @unchecked Sendable {
  /// Seconds between two redraws (0.25: four a second).
  public let interval: Double
  private var lastDraw = -Double.infinity
  private var width = 0
  private let enabled: Bool

  /// - Parameter enabled: false makes every call a no-op (tests, `--quiet`).
  public init(interval: Double = 0.25, enabled: Bool = true) {
    self.interval = interval
    self.enabled = enabled
  }

  /// Redraws the line when `interval` has passed since the last redraw (or `force`).
  public func update(_ progress: TrainingProgress, force: Bool = false) {
    guard enabled else { return }
    let now = ProcessInfo.processInfo.systemUptime
    guard force || now - lastDraw >= interval else { return }
    lastDraw = now
    draw(progress.line)
  }

  /// Replaces the line with `text` and ends it (the next update starts a new line).
  public func finish(_ text: String) {
    guard enabled else { return }
    draw(text)
    FileHandle.standardError.write(Data("\n".utf8))
    width = 0
    lastDraw = -Double.infinity
  }

  /// Blanks the current line (if any) so other output can start at column 0.
  public func clear() {
    guard enabled, width > 0 else { return }
    FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: width) + "\r").utf8))
    width = 0
    lastDraw = -Double.infinity
  }

  private func draw(_ text: String) {
    // Pad over the previous line's tail: a shorter line must not leave old characters.
    let count = text.count
    let padding = max(0, width - count)
    width = count
    FileHandle.standardError.write(Data(("\r" + text + String(repeating: " ", count: padding)).utf8))
  }
}

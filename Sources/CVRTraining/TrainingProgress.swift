// One snapshot of a running training: where it is and how fast it goes, with
// the remaining-time estimate.

/// Where a training run is, for the progress line.
public struct TrainingProgress: Sendable, Equatable {
  /// "train", "stage 2", "fine-tune", …
  public var stage: String
  public var model: String
  /// 1-based epoch and its bound.
  public var epoch: Int
  public var maxEpochs: Int
  /// 1-based step inside the epoch.
  public var step: Int
  public var stepsPerEpoch: Int
  public var samplesPerSecond: Double
  /// Mean loss of the epoch so far (sample-weighted).
  public var runningLoss: Double
  /// Seconds left if every remaining epoch runs (early stopping may end sooner).
  public var etaSeconds: Double

  public init(stage: String, model: String, epoch: Int, maxEpochs: Int, step: Int, stepsPerEpoch: Int,
              samplesPerSecond: Double, runningLoss: Double, etaSeconds: Double) {
    self.stage = stage
    self.model = model
    self.epoch = epoch
    self.maxEpochs = maxEpochs
    self.step = step
    self.stepsPerEpoch = stepsPerEpoch
    self.samplesPerSecond = samplesPerSecond
    self.runningLoss = runningLoss
    self.etaSeconds = etaSeconds
  }

  /// ETA = elapsed / done · (total − done): the mean time per step so far times
  /// the steps left. 0 when nothing is left; +∞ before the first step.
  public static func eta(stepsDone: Int, stepsTotal: Int, elapsedSeconds: Double) -> Double {
    guard stepsDone < stepsTotal else { return 0 }
    guard stepsDone > 0 else { return .infinity }
    return elapsedSeconds / Double(stepsDone) * Double(stepsTotal - stepsDone)
  }

  /// "1:05:09" / "3:07" / "42s"; "?" when not finite.
  public static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    let (h, m, r) = (s / 3600, (s % 3600) / 60, s % 60)
    let pad = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
    return h > 0 ? "\(h):\(pad(m)):\(pad(r))" : "\(m):\(pad(r))"
  }

  /// The one-line text: "BASE train | epoch 2/10 | step 120/512 | 8,431 samples/s | loss 0.3121 | ETA 1:05".
  public var line: String {
    let rate = Int(samplesPerSecond.isFinite ? samplesPerSecond.rounded() : 0)
    let loss = runningLoss.isFinite ? String(format: "%.4f", runningLoss) : "nan"
    return "\(model) \(stage) | epoch \(epoch)/\(maxEpochs) | step \(step)/\(stepsPerEpoch) | "
      + "\(rate) samples/s | loss \(loss) | ETA \(Self.duration(etaSeconds))"
  }
}

/// The jobs of a whole run (one per model and seed, in order) and what the
/// finished ones took: the remaining-time estimate of the run, not one epoch.
public struct RunPlan: Sendable, Equatable {
  public let jobs: [String]
  /// Jobs finished so far (the first `done` of `jobs`).
  public private(set) var done = 0
  /// Seconds of each finished job, by name.
  public private(set) var measured: [String: [Double]] = [:]

  public init(jobs: [String]) { self.jobs = jobs }

  public mutating func finish(_ name: String, seconds: Double) {
    done = min(jobs.count, done + 1)
    measured[name, default: []].append(seconds)
  }

  /// Seconds left in the run: the current job's ETA plus an estimate per job after it.
  ///
  /// A job is estimated by the mean time of the same model in earlier seeds (the
  /// same work); a model not run yet (first seed) by the mean of every finished
  /// job, or, before any finished, by the current job's projected time
  /// (elapsed + ETA). Early stopping can make every figure shorter.
  public func remainingSeconds(currentElapsed: Double, currentETA: Double) -> Double {
    let current = currentETA.isFinite ? currentETA : Double.infinity
    let all = measured.values.joined()
    let fallback = all.isEmpty ? currentElapsed + current : all.reduce(0, +) / Double(all.count)
    var left = current
    for name in jobs.dropFirst(min(jobs.count, done + 1)) {
      if let times = measured[name], !times.isEmpty {
        left += times.reduce(0, +) / Double(times.count)
      } else {
        left += fallback
      }
    }
    return left
  }
}

// The timing harness: warm-up, repeated timed runs on a monotonic clock, and the
// median/min/max that the report quotes (the machine is shared, so medians).

/// One benchmark: a named kernel on fixed data, its flop count, a timed body and
/// a one-off correctness check against a naive reference.
struct BenchCase {
  /// "K1", "K2", or a reference variant such as "K2-openblas".
  let name: String
  /// Human-readable shape, e.g. "M=12800 K=96 N=128".
  let shape: String
  /// Floating-point operations per run (2·M·N·K for a GEMM).
  let flops: Double
  /// One run of the kernel; reads and writes only memory the case owns.
  let run: () -> Void
  /// Runs the kernel once and compares it with a reference; returns an error
  /// message on disagreement, nil when it agrees.
  let check: () -> String?
}

/// Timings of one case at one thread count, in seconds.
struct Timing {
  let median: Double
  let min: Double
  let max: Double
  let repetitions: Int
}

enum Harness {
  /// Warm-up runs (page faults, OpenBLAS buffer allocation, thread wake-up) not timed.
  static let warmupRuns = 3
  /// At least this many timed runs, then more until `budgetSeconds` is spent or `maxRuns`.
  static let minRuns = 7
  static let maxRuns = 200
  static let budgetSeconds = 0.5

  /// Times `body` after warm-up: `minRuns` runs, then more until about
  /// `budgetSeconds` of timed work or `maxRuns`.
  static func time(_ body: () -> Void) -> Timing {
    for _ in 0..<warmupRuns { body() }
    let clock = ContinuousClock()
    var samples: [Double] = []
    samples.reserveCapacity(maxRuns)
    var spent = 0.0
    while samples.count < maxRuns && (samples.count < minRuns || spent < budgetSeconds) {
      let start = clock.now
      body()
      let seconds = (clock.now - start).seconds
      samples.append(seconds)
      spent += seconds
    }
    samples.sort()
    let middle = samples.count / 2
    let median = samples.count % 2 == 1 ? samples[middle] : 0.5 * (samples[middle - 1] + samples[middle])
    return Timing(median: median, min: samples[0], max: samples[samples.count - 1], repetitions: samples.count)
  }
}

extension Duration {
  /// The duration as a Double number of seconds.
  var seconds: Double {
    let (whole, attoseconds) = components
    return Double(whole) + Double(attoseconds) * 1e-18
  }
}

// The timing harness: warm-up, repeated timed runs on a monotonic clock, and the
// median/min/max that the report quotes (the machine is shared, so medians).

/// One benchmark: a named kernel on fixed data, its flop count, a timed body and
/// a one-off correctness check against a naive reference.
struct BenchCase {
  /// "K1", "K2", or a reference variant such as "K2-openblas".
  let name: String
  /// Human-readable shape, e.g. "M=12800 K=96 N=128".
  let shape: String
  /// Floating-point operations per run (2·M·N·K for a GEMM); 0 for memory-bound kernels.
  let flops: Double
  /// One run of the kernel; reads and writes only memory the case owns.
  let run: () -> Void
  /// Runs the kernel once and compares it with a reference; returns an error
  /// message on disagreement, nil when it agrees.
  let check: () -> String?
  /// Bytes moved per run, for memory-bound kernels (K6, K7): reported as GB/s.
  var bytes: Double = 0
  /// Table rows processed per run (K6 lookups, K7 updated rows): reported as rows/s.
  var rows: Double = 0
  /// A reference line timed with OpenBLAS's own threading at the thread count
  /// (the engine keeps OpenBLAS at one thread and splits products itself).
  var usesOpenBLASThreads = false
  /// Training or scored samples per run (M1, M2): reported as samples/s.
  var samples: Double = 0
}

/// Timings of one case at one thread count, in seconds.
struct Timing {
  let median: Double
  let min: Double
  let max: Double
  let repetitions: Int
}

enum Harness {
  /// Warm-up runs (page faults, OpenBLAS buffer allocation, thread wake-up), not timed.
  static let warmupRuns = 3
  /// Per call of `samples`: at least `minRuns` timed runs, then more until the
  /// budget is spent or `maxRuns`.
  static let minRuns = 5
  static let maxRuns = 200

  /// Times `body` after warm-up; returns the durations in seconds, one per run.
  static func samples(budgetSeconds: Double, _ body: () -> Void) -> [Double] {
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
    return samples
  }

  /// Median, min and max of durations (at least one).
  static func summarize(_ durations: [Double]) -> Timing {
    let sorted = durations.sorted()
    let middle = sorted.count / 2
    let median = sorted.count % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle])
    return Timing(median: median, min: sorted[0], max: sorted[sorted.count - 1], repetitions: sorted.count)
  }

  /// `samples` then `summarize`: one self-contained measurement.
  static func time(budgetSeconds: Double = 0.5, _ body: () -> Void) -> Timing {
    summarize(samples(budgetSeconds: budgetSeconds, body))
  }
}

extension Duration {
  /// The duration as a Double number of seconds.
  var seconds: Double {
    let (whole, attoseconds) = components
    return Double(whole) + Double(attoseconds) * 1e-18
  }
}

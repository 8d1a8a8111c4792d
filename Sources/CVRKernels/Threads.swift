// One setting for parallelism: OpenBLAS's thread count doubles as the width of
// the engine's own parallel loops, so `OPENBLAS_NUM_THREADS` (read by OpenBLAS
// at load) or `Threads.set(_:)` governs both.
import Dispatch

/// Thread count for BLAS calls and the engine's own parallel loops.
public enum Threads {
  /// The current setting (from `OPENBLAS_NUM_THREADS`, or OpenBLAS's default: all cores).
  public static var count: Int { BLAS.threads }

  /// Sets the thread count for BLAS and for `parallelFor`.
  public static func set(_ count: Int) {
    precondition(count >= 1, "Threads.set: need at least one thread, got \(count)")
    BLAS.setThreads(count)
  }

  /// Smallest chunk worth a thread for exp-based pointwise kernels (sigmoid,
  /// tanh, softplus, exp). Measured at 2 threads: 65 536 exps 112 → 68 µs,
  /// 1.6 M exps 2.8 → 1.2 ms.
  public static let minimumTranscendentalChunk = 16_384
  /// Smallest chunk worth a thread for memory-bound pointwise kernels (relu).
  /// Measured at 2 threads: 65 536 elements 8 → 8 µs (no gain), 1.6 M 199 → 118 µs.
  public static let minimumStreamingChunk = 262_144

  /// Runs `body(chunk, range)` over `0..<total` split into at most `count`
  /// contiguous chunks of at least `minimum` items; runs inline when one chunk suffices.
  ///
  /// The body must only write to disjoint memory per chunk. Uses libdispatch's
  /// pool, which keeps its workers between calls (no thread creation per call).
  @inline(__always)
  public static func parallelFor(
    total: Int, minimum: Int, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void
  ) {
    run(chunks: min(count, max(1, total / max(1, minimum))), total: total, body)
  }

  /// `body(chunk, range)` for `chunks` contiguous, near-equal ranges of 0..<total,
  /// concurrently (inline when there is one chunk).
  static func run(chunks: Int, total: Int, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
    if chunks <= 1 {
      body(0, 0..<total)
      return
    }
    withoutActuallyEscaping(body) { body in
      let shared = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let lower = total * chunk / chunks
        let upper = total * (chunk + 1) / chunks
        shared.value(chunk, lower..<upper)
      }
    }
  }
}

/// Carries a value into a `@Sendable` closure when the caller guarantees the
/// threads touch disjoint memory (raw pointers are not `Sendable`).
public struct UncheckedSendable<Value>: @unchecked Sendable {
  public let value: Value
  public init(_ value: Value) { self.value = value }
}

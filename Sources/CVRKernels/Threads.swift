// One setting for parallelism. OpenBLAS is held at one thread for the whole
// process and the engine parallelises everything itself: products split by
// rows or columns (Gemm), attention by batch item, pointwise kernels by range.
// Why: after a threaded call OpenBLAS's workers spin (sched_yield) for about
// 0.1 s, and on a 2-core machine they then compete with the engine's own
// threads on every step (docs/performance.md, "OpenBLAS's idle threads").
import CWorkerPool
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The thread count of the engine's parallel loops and products.
public enum Threads {
  nonisolated(unsafe) private static var width = 0  // 0: not read from the environment yet

  /// The current setting: `OPENBLAS_NUM_THREADS` at first use (the variable
  /// users already set for BLAS), else every online core.
  public static var count: Int {
    if width == 0 { width = initialWidth() }
    return width
  }

  /// Sets the width of every parallel loop and product (OpenBLAS itself stays at one thread).
  public static func set(_ count: Int) {
    precondition(count >= 1, "Threads.set: need at least one thread, got \(count)")
    BLAS.holdSingleThreaded()
    width = count
  }

  private static func initialWidth() -> Int {
    BLAS.holdSingleThreaded()
    if let value = getenv("OPENBLAS_NUM_THREADS"), let n = Int(String(cString: value)), n >= 1 { return n }
    return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  }

  /// Smallest chunk worth a thread for exp-based pointwise kernels (sigmoid,
  /// tanh, softplus, exp). Measured at 2 threads: 65 536 exps 112 → 68 µs,
  /// 1.6 M exps 2.8 → 1.2 ms.
  package static let minimumTranscendentalChunk = 16_384
  /// Smallest chunk worth a thread for memory-bound pointwise kernels (relu).
  /// Measured at 2 threads: 65 536 elements 8 → 8 µs (no gain), 1.6 M 199 → 118 µs.
  package static let minimumStreamingChunk = 262_144

  /// Runs `body(chunk, range)` over `0..<total` split into at most `threads`
  /// contiguous chunks of at least `minimum` items; runs inline when one chunk suffices.
  ///
  /// The body must only write to disjoint memory per chunk. BLAS calls inside it
  /// run on the chunk's own thread. Runs on the engine's worker pool (CWorkerPool:
  /// persistent threads that spin `spinMicroseconds` after each job, so the products
  /// of a step do not wait for a sleeping worker), or on libdispatch's when the pool
  /// is already busy with a nested or concurrent call.
  @inline(__always)
  package static func parallelFor(
    total: Int, minimum: Int, threads: Int = Threads.count, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void
  ) {
    run(chunks: min(max(1, threads), max(1, total / max(1, minimum))), total: total, body)
  }

  /// `body(chunk, range)` for `chunks` contiguous, near-equal ranges of 0..<total,
  /// concurrently (inline when there is one chunk); the caller runs chunks too.
  static func run(chunks: Int, total: Int, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
    // Chunks may call BLAS: OpenBLAS must be at one thread before they run (a once-token).
    BLAS.holdSingleThreaded()
    if chunks <= 1 {
      body(0, 0..<total)
      return
    }
    withoutActuallyEscaping(body) { body in
      var job = PoolJob(body: body, chunks: chunks, total: total)
      let ran = withUnsafeMutablePointer(to: &job) { pointer in
        cwp_run(chunks, { context, chunk in
          let job = context!.assumingMemoryBound(to: PoolJob.self).pointee
          job.body(chunk, job.total * chunk / job.chunks..<job.total * (chunk + 1) / job.chunks)
        }, pointer)
      }
      if ran != 0 { return }
      // The pool is serving another caller (a nested or concurrent parallel region): libdispatch's.
      let shared = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let lower = total * chunk / chunks
        let upper = total * (chunk + 1) / chunks
        shared.value(chunk, lower..<upper)
      }
    }
  }

  /// How long the pool's idle workers spin before they sleep, in µs (default 200).
  /// A training step issues its products tens of µs apart, so its workers stay
  /// awake through a step and sleep between steps of a slow loop; 0 sleeps at once
  /// (the cost libdispatch had: tens of µs to wake a worker for every product).
  public static var spinMicroseconds: Int {
    get { cwp_spin_microseconds() }
    set { cwp_set_spin_microseconds(newValue) }
  }
}

/// One `run` call as the C pool sees it: the body and how to cut 0..<total.
private struct PoolJob {
  let body: (_ chunk: Int, _ range: Range<Int>) -> Void
  let chunks, total: Int
}

/// Carries a value into a `@Sendable` closure when the caller guarantees the
/// threads touch disjoint memory (raw pointers are not `Sendable`).
package struct UncheckedSendable<Value>: @unchecked Sendable {
  package let value: Value
  package init(_ value: Value) { self.value = value }
}

// BENCH_TUNE=1: the experiments behind Gemm's splitting policy, at 2 threads.
// Variants run interleaved round by round so slow phases of the shared machine
// hit all of them alike; each variant's figure is the median of round medians.
import CVRKernels
import Dispatch

enum Tuning {
  /// A way to compute C = A·B for a problem at 2 threads.
  struct Variant {
    let name: String
    let run: (GemmProblem) -> Void
  }

  /// Rows split into `chunks` blocks pulled by libdispatch's workers, each a 1-thread sgemm.
  static func splitRows(_ p: GemmProblem, chunks: Int) {
    BLAS.setThreads(1)
    defer { BLAS.setThreads(2) }
    let shared = UncheckedSendable(p)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      let p = shared.value
      let lower = (p.m * chunk / chunks) & ~15
      let upper = chunk == chunks - 1 ? p.m : (p.m * (chunk + 1) / chunks) & ~15
      if upper > lower {
        BLAS.sgemm(.none, .none, m: upper - lower, n: p.n, k: p.k, a: p.a + lower * p.k, lda: p.k,
                   b: p.b, ldb: p.n, c: p.c + lower * p.n, ldc: p.n)
      }
    }
  }

  /// Columns of B and C split in two blocks (multiples of 16), each a 1-thread sgemm.
  static func splitColumns(_ p: GemmProblem) {
    BLAS.setThreads(1)
    defer { BLAS.setThreads(2) }
    let shared = UncheckedSendable(p)
    DispatchQueue.concurrentPerform(iterations: 2) { chunk in
      let p = shared.value
      let half = (p.n / 2) & ~15
      let lower = chunk == 0 ? 0 : half
      let upper = chunk == 0 ? half : p.n
      BLAS.sgemm(.none, .none, m: p.m, n: upper - lower, k: p.k, a: p.a, lda: p.k,
                 b: p.b + lower, ldb: p.n, c: p.c + lower, ldc: p.n)
    }
  }

  static var variants: [Variant] { [
    Variant(name: "openblas-2t") { $0.multiplyWithOpenBLAS() },
    Variant(name: "rows/2") { splitRows($0, chunks: 2) },
    Variant(name: "rows/4") { splitRows($0, chunks: 4) },
    Variant(name: "rows/8") { splitRows($0, chunks: 8) },
    Variant(name: "rows/12") { splitRows($0, chunks: 12) },
    Variant(name: "rows/16") { splitRows($0, chunks: 16) },
    Variant(name: "1t-whole") { sequentialRows($0, chunks: 1) },
    Variant(name: "1t-rows/8") { sequentialRows($0, chunks: 8) },
  ] }

  /// One thread, rows in `chunks` consecutive calls: the per-core rate of each chunk size.
  static func sequentialRows(_ p: GemmProblem, chunks: Int) {
    BLAS.setThreads(1)
    defer { BLAS.setThreads(2) }
    for chunk in 0..<chunks {
      let lower = (p.m * chunk / chunks) & ~15
      let upper = chunk == chunks - 1 ? p.m : (p.m * (chunk + 1) / chunks) & ~15
      if upper > lower {
        BLAS.sgemm(.none, .none, m: upper - lower, n: p.n, k: p.k, a: p.a + lower * p.k, lda: p.k,
                   b: p.b, ldb: p.n, c: p.c + lower * p.n, ldc: p.n)
      }
    }
  }

  static func run(rounds: Int = 5) {
    Threads.set(2)
    overheads()
    print("tune: 2 threads, \(rounds) interleaved rounds, GFLOP/s = median of round medians")
    for (index, shape) in GemmBenches.shapes.enumerated() {
      let problem = GemmProblem(m: shape.m, n: shape.n, k: shape.k, seed: UInt64(index + 1))
      let variants = self.variants
      var perVariant = [[Double]](repeating: [], count: variants.count)
      for variant in variants {
        if let error = problem.check({ variant.run(problem) }) {
          print("tune: \(shape.name) \(variant.name) wrong: \(error)")
          return
        }
      }
      for _ in 0..<rounds {
        for (v, variant) in variants.enumerated() {
          let timing = Harness.time { variant.run(problem) }
          perVariant[v].append(problem.flops / timing.median / 1e9)
        }
      }
      var line = "\(shape.name) \(problem.shape):"
      for (v, variant) in variants.enumerated() {
        let rates = perVariant[v].sorted()
        line += "  \(variant.name) \(String(format: "%.1f", rates[rates.count / 2]))"
      }
      print(line)
    }
  }

  /// Fixed costs of a split: an empty 2-way concurrentPerform, and the pair of
  /// openblas_set_num_threads calls around it.
  static func overheads() {
    let dispatch = Harness.time {
      for _ in 0..<100 { DispatchQueue.concurrentPerform(iterations: 2) { _ in } }
    }
    let setThreads = Harness.time {
      for _ in 0..<100 { BLAS.setThreads(1); BLAS.setThreads(2) }
    }
    print(String(format: "tune: empty concurrentPerform(2) %.2f µs, setThreads(1)+(2) %.2f µs",
                 dispatch.median * 1e4, setThreads.median * 1e4))
  }
}

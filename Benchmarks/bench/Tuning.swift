// BENCH_TUNE=1 (2 threads) and BENCH_TUNE=1t (one core): the experiments behind
// Gemm's splitting policy. Variants run interleaved round by round so slow
// phases of the shared machine hit all of them alike. OpenBLAS is single-threaded
// in the engine; only the openblas-2t variant turns its threading on.
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

  /// One core: does cutting the rows into L2-sized calls (C zeroed and then
  /// accumulated while still in L2), or OpenBLAS's direct kernel (chunks with
  /// m·n·k < 28·512²), beat one whole call?
  static var singleCoreVariants: [Variant] { [
    Variant(name: "1t-whole") { sequentialRows($0, chunks: 1) },
    Variant(name: "1t-rows/4") { sequentialRows($0, chunks: 4) },
    Variant(name: "1t-rows/8") { sequentialRows($0, chunks: 8) },
    Variant(name: "1t-rows/16") { sequentialRows($0, chunks: 16) },
    Variant(name: "1t-rows/32") { sequentialRows($0, chunks: 32) },
  ] }

  static var variants: [Variant] { [
    Variant(name: "openblas-2t") { p in GemmProblem.withOpenBLASThreads(2) { p.multiplyWithOpenBLAS() } },
    Variant(name: "gemm.multiply") { $0.multiplyWithGemm() },
    Variant(name: "rows/2") { splitRows($0, chunks: 2) },
    Variant(name: "rows/4") { splitRows($0, chunks: 4) },
    Variant(name: "rows/8") { splitRows($0, chunks: 8) },
    Variant(name: "cols/2") { splitColumns($0) },
    Variant(name: "1t-whole") { sequentialRows($0, chunks: 1) },
  ] }

  /// One thread, rows in `chunks` consecutive calls: the per-core rate of each chunk size.
  static func sequentialRows(_ p: GemmProblem, chunks: Int) {
    for chunk in 0..<chunks {
      let lower = (p.m * chunk / chunks) & ~15
      let upper = chunk == chunks - 1 ? p.m : (p.m * (chunk + 1) / chunks) & ~15
      if upper > lower {
        BLAS.sgemm(.none, .none, m: upper - lower, n: p.n, k: p.k, a: p.a + lower * p.k, lda: p.k,
                   b: p.b, ldb: p.n, c: p.c + lower * p.n, ldc: p.n)
      }
    }
  }

  /// Every round times every (shape, variant) for 0.15 s; a variant's figures are
  /// medians over rounds of its GFLOP/s and of its ratio to K1 via OpenBLAS in
  /// the same round (the ratio cancels most of the machine's slow phases).
  static func run(singleCore: Bool, rounds: Int = 9) {
    Threads.set(2)
    overheads()
    let variants = singleCore ? singleCoreVariants : self.variants
    let problems = GemmBenches.shapes.enumerated().map { index, shape in
      GemmProblem(m: shape.m, n: shape.n, k: shape.k, seed: UInt64(index + 1))
    }
    for (s, problem) in problems.enumerated() {
      for variant in variants {
        if let error = problem.check({ variant.run(problem) }) {
          print("tune: \(GemmBenches.shapes[s].name) \(variant.name) wrong: \(error)")
          return
        }
      }
    }
    print("tune: \(rounds) interleaved rounds: GFLOP/s (ratio to the first K1 variant in the same round)")
    var rates = [[[Double]]](repeating: [[Double]](repeating: [], count: variants.count), count: problems.count)
    var ratios = rates
    for _ in 0..<rounds {
      var k1 = Double.nan
      for (s, problem) in problems.enumerated() {
        for (v, variant) in variants.enumerated() {
          let timing = Harness.time(budgetSeconds: 0.15) { variant.run(problem) }
          let rate = problem.flops / timing.median / 1e9
          if s == 0 && v == 0 { k1 = rate }
          rates[s][v].append(rate)
          ratios[s][v].append(rate / k1)
        }
      }
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    for (s, problem) in problems.enumerated() {
      var line = "\(GemmBenches.shapes[s].name) \(problem.shape):"
      for (v, variant) in variants.enumerated() {
        line += String(format: "  %@ %.1f (%.2f)", variant.name, median(rates[s][v]), median(ratios[s][v]))
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

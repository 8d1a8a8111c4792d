// `make bench`: checks, then times, each kernel at 1 and 2 threads; prints one
// line per (kernel, threads) and writes the JSON list to $BENCH_JSON.
// BENCH_ROUNDS (default 6) interleaves the timing: every round times every
// (threads, kernel) pair for 0.5 s / rounds, so a busy phase of the shared
// machine spreads over all kernels instead of sinking one. BENCH_ONLY=K5 runs
// K1 and the K5 cases only. The workloads M1, M2 and M3 run each in a child
// process (this binary with BENCH_ONLY=M1, M2, M3) so that their peak memory is
// their own; their records join the JSON list. BENCH_PROFILE=1 (or 2 threads)
// splits an M1 training step into sections instead (M1Profile.swift). BENCH_TUNE=vec
// compares Swift loops, Swift SIMD and the C vector kernels (VectorTuning.swift).
import CVRKernels
import Foundation

/// Kernel groups, one file each, with the kernels each provides; the first
/// case of the first group must be K1. A group's cases (and their memory: K7
/// holds ~1.2 GB) are built only when BENCH_ONLY asks for one of its kernels.
let groups: [(kernels: [String], cases: () -> [BenchCase])] = [
  (["K1", "K2", "K3", "K4"], GemmBenches.cases),
  (["K5"], AttentionBenches.cases),
  (["K6"], EmbeddingBenches.cases),
  (["K7"], OptimizerBenches.cases),
  (["D1", "D2"], DataBenches.cases),
  (["D3"], BatchBenches.cases),
  (["M1"], MetaCVRBenches.m1Cases),
  (["M2"], MetaCVRBenches.m2Cases),
  (["M3"], EGEANBenches.m3Cases),
]
/// Groups that run in a process of their own unless BENCH_ONLY names them.
let isolated = ["M1", "M2", "M3"]
let threadCounts = [1, 2]
let environment = ProcessInfo.processInfo.environment
let jsonPath = environment["BENCH_JSON"] ?? ".build/bench.json"
let rounds = max(1, Int(environment["BENCH_ROUNDS"] ?? "") ?? 6)
let configuration = BLAS.configuration

print("bench: \(configuration); vector kernels \(VectorKernels.name(VectorKernels.best))")
if let profile = environment["BENCH_PROFILE"] {
  M1Profile.run(threads: profile == "2" ? 2 : 1)
  exit(0)
}
if let workload = environment["BENCH_DISTRIBUTED"] {
  do { try DistributedBenches.run(workload, environment: environment) } catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit(1)
  }
  exit(0)
}
if let tune = environment["BENCH_TUNE"] {
  if tune == "vec" { VectorTuning.run(); exit(0) }
  Tuning.run(singleCore: tune == "1t")
  exit(0)
}
// BENCH_ONLY=K5 keeps K1 (the frac_of_k1 reference) and the cases whose name starts with K5.
let only = environment["BENCH_ONLY"]
let wanted = groups.filter { group in
  guard let only else { return !group.kernels.contains { isolated.contains($0) } }
  return group.kernels.contains { $0 == "K1" || $0.hasPrefix(only) || only.hasPrefix($0) }
}
let cases = wanted.flatMap { $0.cases() }.filter { only == nil || $0.name == "K1" || $0.name.hasPrefix(only!) }
precondition(cases.first?.name == "K1", "bench: K1 must run first, frac_of_k1 divides by it")

/// Runs a case's body as it is measured: reference lines with OpenBLAS's own threading on.
func measured(_ benchCase: BenchCase, threads: Int, _ body: () -> Void) {
  if benchCase.usesOpenBLASThreads { GemmProblem.withOpenBLASThreads(threads, body) } else { body() }
}

let startingThreads = Threads.count
for threads in threadCounts {
  Threads.set(threads)
  for benchCase in cases {
    var problem: String?
    measured(benchCase, threads: threads) { problem = benchCase.check() }
    if let problem {
      print("bench: \(benchCase.name) threads=\(threads) FAILED its check against the naive reference: \(problem)")
      exit(1)
    }
  }
}
print("bench: all \(cases.count) kernels checked against a naive Double reference at threads \(threadCounts)")
print("bench: \(rounds) interleaved rounds; times are medians over all runs of all rounds")

// Engine cases first, then the OpenBLAS-threaded references in a phase of their
// own: after a threaded call OpenBLAS's workers spin for ~0.1 s and would slow
// whatever engine case ran next.
var durations = [[[Double]]](repeating: [[Double]](repeating: [], count: cases.count), count: threadCounts.count)
for phase in [false, true] {
  for _ in 0..<rounds {
    for (t, threads) in threadCounts.enumerated() {
      Threads.set(threads)
      for (c, benchCase) in cases.enumerated() where benchCase.usesOpenBLASThreads == phase {
        measured(benchCase, threads: threads) {
          durations[t][c] += Harness.samples(budgetSeconds: 0.5 / Double(rounds), benchCase.run)
        }
      }
    }
  }
}
Threads.set(startingThreads)

var records: [BenchRecord] = []
for (t, threads) in threadCounts.enumerated() {
  let k1Rate = cases[0].flops / Harness.summarize(durations[t][0]).median / 1e9
  for (c, benchCase) in cases.enumerated() {
    let timing = Harness.summarize(durations[t][c])
    let rate = benchCase.flops > 0 ? benchCase.flops / timing.median / 1e9 : nil
    let gbPerSecond: Double? = benchCase.bytes > 0 ? benchCase.bytes / timing.median / 1e9 : nil
    let rowsPerSecond: Double? = benchCase.rows > 0 ? benchCase.rows / timing.median : nil
    let samplesPerSecond: Double? = benchCase.samples > 0 ? benchCase.samples / timing.median : nil
    let peak: Double? = benchCase.samples > 0 ? Report.peakResidentMiB() : nil
    let record = BenchRecord(
      name: benchCase.name, threads: threads, shape: benchCase.shape,
      median_s: timing.median, min_s: timing.min, max_s: timing.max,
      repetitions: timing.repetitions, gflops: rate, frac_of_k1: rate.map { $0 / k1Rate },
      gb_per_s: gbPerSecond, rows_per_s: rowsPerSecond, samples_per_s: samplesPerSecond, peak_rss_mib: peak,
      checked: true, openblas: configuration, vector_level: VectorKernels.name(VectorKernels.best))
    print(record.line)
    records.append(record)
  }
}

if only == nil {
  for name in isolated {
    let childJSON = jsonPath + ".\(name).json"
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    child.environment = environment.merging(["BENCH_ONLY": name, "BENCH_JSON": childJSON]) { $1 }
    do {
      try child.run()
      child.waitUntilExit()
      guard child.terminationStatus == 0 else { print("bench: \(name) failed"); exit(1) }
      records += try Report.read(childJSON).filter { $0.name.hasPrefix(name) }
      try? FileManager.default.removeItem(atPath: childJSON)
    } catch {
      print("bench: could not run \(name) in its own process: \(error)")
      exit(2)
    }
  }
}

do {
  try Report.writeAtomically(records, to: jsonPath)
  print("bench: wrote \(records.count) results to \(jsonPath)")
} catch {
  print("bench: could not write \(jsonPath): \(error)")
  exit(2)
}

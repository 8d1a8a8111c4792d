// `make bench`: checks, then times, each kernel at 1 and 2 threads; prints one
// line per (kernel, threads) and writes the JSON list to $BENCH_JSON.
import CVRKernels
import Foundation

/// Kernel groups, one file each. K5 (attention) joins by adding its file's
/// `cases` here; the first case of the first group must be K1.
let groups: [() -> [BenchCase]] = [
  GemmBenches.cases,
]
let threadCounts = [1, 2]
let jsonPath = ProcessInfo.processInfo.environment["BENCH_JSON"] ?? ".build/bench.json"
let configuration = BLAS.configuration

print("bench: \(configuration)")
if ProcessInfo.processInfo.environment["BENCH_TUNE"] == "1" {
  Tuning.run()
  exit(0)
}
print("bench: every kernel is checked against a naive Double reference before timing")
let cases = groups.flatMap { $0() }
precondition(cases.first?.name == "K1", "bench: K1 must run first, frac_of_k1 divides by it")

var records: [BenchRecord] = []
let startingThreads = Threads.count
for threads in threadCounts {
  Threads.set(threads)
  var k1Rate = Double.nan
  for benchCase in cases {
    if let problem = benchCase.check() {
      print("bench: \(benchCase.name) threads=\(threads) FAILED its check: \(problem)")
      exit(1)
    }
    let timing = Harness.time(benchCase.run)
    let rate = benchCase.flops / timing.median / 1e9
    if benchCase.name == "K1" { k1Rate = rate }
    let record = BenchRecord(
      name: benchCase.name, threads: threads, shape: benchCase.shape,
      median_s: timing.median, min_s: timing.min, max_s: timing.max,
      repetitions: timing.repetitions, gflops: rate, frac_of_k1: rate / k1Rate,
      checked: true, openblas: configuration)
    print(record.line)
    records.append(record)
  }
}
Threads.set(startingThreads)

do {
  try Report.writeAtomically(records, to: jsonPath)
  print("bench: wrote \(records.count) results to \(jsonPath)")
} catch {
  print("bench: could not write \(jsonPath): \(error)")
  exit(2)
}

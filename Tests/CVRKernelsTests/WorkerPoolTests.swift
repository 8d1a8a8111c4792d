// Threads.run on the engine's worker pool: every chunk runs exactly once, over
// many back-to-back jobs (the spin path), after the workers went to sleep (the
// wake path), nested inside a job and from several threads at once (the
// libdispatch fallback).
import CVRKernels
import Dispatch
import Testing

@Suite(.serialized) struct WorkerPoolTests {
  /// Runs `jobs` parallel loops of `chunks` chunks over `total` items; returns how often each item ran.
  static func hits(jobs: Int, chunks: Int, total: Int) -> [Int] {
    var hits = [Int](repeating: 0, count: total)
    hits.withUnsafeMutableBufferPointer { buffer in
      let shared = UncheckedSendable(buffer.baseAddress!)
      for _ in 0..<jobs {
        Threads.parallelFor(total: total, minimum: 1, threads: chunks) { _, range in
          for i in range { shared.value[i] += 1 }
        }
      }
    }
    return hits
  }

  @Test(arguments: [2, 3, 8])
  func everyChunkRunsOnceOverManyJobs(chunks: Int) {
    #expect(Self.hits(jobs: 5_000, chunks: chunks, total: 37).allSatisfy { $0 == 5_000 })
  }

  @Test func workersThatSleptWakeForTheNextJob() {
    let spin = Threads.spinMicroseconds
    defer { Threads.spinMicroseconds = spin }
    Threads.spinMicroseconds = 0
    for _ in 0..<200 {
      #expect(Self.hits(jobs: 1, chunks: 2, total: 10).allSatisfy { $0 == 1 })
    }
    #expect(Threads.spinMicroseconds == 0)
  }

  @Test func chunkNumbersAreDistinctAndCoverTheRange() {
    var seen = [Int](repeating: -1, count: 6)
    seen.withUnsafeMutableBufferPointer { buffer in
      let shared = UncheckedSendable(buffer.baseAddress!)
      Threads.parallelFor(total: 6, minimum: 1, threads: 6) { chunk, range in
        for i in range { shared.value[i] = chunk }
      }
    }
    #expect(seen == [0, 1, 2, 3, 4, 5])
  }

  @Test func nestedAndConcurrentCallsComplete() {
    var hits = [Int](repeating: 0, count: 4 * 64)
    hits.withUnsafeMutableBufferPointer { buffer in
      let shared = UncheckedSendable(buffer.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: 4) { caller in
        for _ in 0..<50 {
          // Outer job over 4 blocks of 16; each block runs an inner parallel loop.
          Threads.parallelFor(total: 4, minimum: 1, threads: 2) { _, blocks in
            for block in blocks {
              Threads.parallelFor(total: 16, minimum: 1, threads: 2) { _, range in
                for i in range { shared.value[caller * 64 + block * 16 + i] += 1 }
              }
            }
          }
        }
      }
    }
    #expect(hits.allSatisfy { $0 == 50 })
  }
}

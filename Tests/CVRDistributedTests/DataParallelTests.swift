// Data-parallel training under `mpirun -np 2` against one process on the same
// global batches; the sparse row exchange's cases; a failing rank ends the run.
import CVRTestSupport
import Foundation
import Testing

@Suite(.enabled(if: MPIRun.mpirun != nil, "mpirun is not on PATH: `make test` installs openmpi-bin (Scripts/install-deps.sh)"),
       .serialized)
struct DataParallelTests {
  /// The tiny world's 343 clicked training rows in batches of 38 over 3 epochs: 10 steps an epoch, the last of one
  /// row (rank 0's share is empty then, rank 1's batch is weighed 1/1), Adagrad, clipping, the early-stopping
  /// evaluation broadcast from rank 0, and the replica checksum after every epoch (a mismatch fails the run).
  ///
  /// Tolerance: |a − b| ≤ 2e-5 · max(1, |b|) per value. Both runs see the same global batches and take the same
  /// steps; only the order of float additions differs (each rank sums its half of the batch, then the two halves
  /// are added; sparse rows are summed rank by rank), a few ulps (~1e-7 relative) per step: measured 7e-8 after
  /// these 30 steps. 2e-5 leaves room for other BLAS builds; a wrong weighting (the ranks' means averaged, which
  /// over-weighs the one-row last batch, or summed without 1/N) moves parameters by ~1e-3 or more.
  @Test func twoRanksEqualOneProcessOnTheSameGlobalBatches() throws {
    let directory = try scratchDirectory()
    let one = directory.appendingPathComponent("one.txt").path, two = directory.appendingPathComponent("two.txt").path
    let arguments = ["--epochs", "3", "--batch", "38"]
    let single = try MPIRun.run(ranks: nil, ["train", one] + arguments)
    #expect(single.status == 0, "one process: \(single.stderr)")
    let pair = try MPIRun.run(ranks: 2, ["train", two] + arguments)
    #expect(pair.status == 0, "two ranks: \(pair.stderr)")
    #expect(pair.stdout.contains("ranks 2") && pair.stdout.contains("steps 30"), "\(pair.stdout)")
    let a = try MPIRun.parameters(at: one), b = try MPIRun.parameters(at: two)
    #expect(a.keys.sorted() == b.keys.sorted() && !a.isEmpty)
    var worst: Float = 0
    for (name, values) in a {
      let other = b[name]!
      #expect(values.count == other.count, "\(name)")
      for (x, y) in zip(values, other) { worst = max(worst, abs(x - y) / max(1, abs(y))) }
    }
    #expect(worst <= 2e-5, "largest relative difference \(worst)")
  }

  /// The trained parameters must differ from the initial ones, or the comparison above would be empty.
  @Test func theComparedRunActuallyTrains() throws {
    let directory = try scratchDirectory()
    let none = directory.appendingPathComponent("none.txt").path, some = directory.appendingPathComponent("some.txt").path
    #expect(try MPIRun.run(ranks: nil, ["train", none, "--epochs", "1", "--rows", "1", "--batch", "1"]).status == 0)
    #expect(try MPIRun.run(ranks: nil, ["train", some, "--epochs", "3", "--batch", "38"]).status == 0)
    let a = try MPIRun.parameters(at: none), b = try MPIRun.parameters(at: some)
    var largest: Float = 0
    for (name, values) in a { for (x, y) in zip(values, b[name]!) { largest = max(largest, abs(x - y)) } }
    #expect(largest > 1e-3, "30 steps moved no parameter by more than \(largest)")
  }

  @Test(arguments: ["duplicates", "empty", "one-rank"])
  func sparseExchange(_ name: String) throws {
    let outcome = try MPIRun.run(ranks: 2, ["sparse", name], deadline: 120)
    #expect(outcome.status == 0, "\(outcome.stderr)")
    for rank in 0..<2 { #expect(outcome.stdout.contains("sparse \(name) rank \(rank): ok"), "\(outcome.stdout)") }
  }

  /// train-metacvr itself under mpirun: the table rank 0 prints equals one process's (LR, 2 epochs on the demo
  /// world; the tables' 4 decimals are far above the rounding of §2), the run's files are in --out, and rank 1
  /// leaves nothing behind in its temporary directory (TMPDIR, which it uses for its scratch output).
  @Test func trainMetaCVRUnderMPIPrintsTheOneProcessTable() throws {
    let directory = try scratchDirectory()
    let scratch = directory.appendingPathComponent("tmp", isDirectory: true)
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let arguments = ["--demo", "--models", "LR", "--seeds", "1", "--epochs", "2", "--threads", "1", "--quiet",
                     "--check-replicas"]
    let one = try MPIRun.run(ranks: nil, arguments + ["--out", directory.appendingPathComponent("one").path],
                             program: MPIRun.trainMetaCVR)
    #expect(one.status == 0, "\(one.stderr)")
    let out = directory.appendingPathComponent("two")
    let two = try MPIRun.run(ranks: 2, arguments + ["--out", out.path], program: MPIRun.trainMetaCVR,
                             extra: ["TMPDIR": scratch.path])
    #expect(two.status == 0, "\(two.stderr)")
    #expect(one.stdout.contains("LR ") && one.stdout == two.stdout, "one:\n\(one.stdout)\ntwo:\n\(two.stdout)")
    #expect(two.stderr.contains("2 ranks: ") && two.stderr.contains("bytes exchanged per step"), "\(two.stderr)")
    for file in ["report.md", "metrics.json", "config.yaml", "checkpoints/LR-seed1.ckpt"] {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
  }

  /// Rank 1 throws in its third step while rank 0 goes on into the next exchange: MPI_Abort must end both.
  @Test func aRankThatThrowsStopsTheRunWithAnError() throws {
    let directory = try scratchDirectory()
    let outcome = try MPIRun.run(ranks: 2, ["train", directory.appendingPathComponent("p.txt").path, "--fail-rank", "1"],
                                 deadline: 120)
    #expect(!outcome.timedOut, "the run hung for \(outcome.seconds) s")
    #expect(outcome.status != 0)
    #expect(outcome.stderr.contains("rank 1 fails on purpose in step 3"), "\(outcome.stderr)")
    #expect(outcome.stderr.contains("rank 1 of 2 failed"), "\(outcome.stderr)")
    #expect(outcome.seconds < 60, "took \(outcome.seconds) s")
  }
}

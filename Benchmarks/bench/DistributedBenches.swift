// Data-parallel M1 and M3 (docs/distributed.md §4): `BENCH_DISTRIBUTED=M1|M3`
// trains the workload's model through TrainingStep on this rank's share of each
// global batch (256 for M1, 1024 for M3) and reports global samples/s and the
// bytes exchanged per step. Alone it is one process; under `mpirun -np N` each
// rank takes 1/N of every batch. A fixed step count, not the harness's time
// budget: every rank must take the same number of steps or the exchange waits.
import CVRData
import CVRDistributed
import CVRKernels
import CVROptim
import CVRTraining
import Foundation

enum DistributedBenches {
  static let warmup = 3, timed = 20

  /// Runs `workload` (M1 or M3) at BENCH_THREADS threads (default 1); rank 0 prints one JSON line.
  static func run(_ workload: String, environment: [String: String]) throws {
    let group = try DistributedTraining.start(requested: false, checksReplicas: false)
    let rank = group?.rank ?? 0, ranks = group?.size ?? 1
    let threads = Int(environment["BENCH_THREADS"] ?? "") ?? 1
    Threads.set(threads)
    let global: Int, step: TrainingStep, batches: [Batch]
    switch workload {
    case "M1":
      global = MetaCVRBenches.trainBatch
      let data = MetaCVRData(seed: 11)
      let network = try M1Network(schema: data.schema, seed: 1)
      step = network.training
      // Every rank its own rows (seeded by rank): the shares of a global batch are different samples.
      batches = data.batches(8, size: global / ranks, seed: 2 + UInt64(rank))
    case "M3":
      global = EGEANBenches.batchSize
      let data = M3Data(seed: 13)
      let model = try M3Model(schema: data.schema, seed: 1)
      step = TrainingStep(model: model, optimizer: Adam(model.trainableParameters, learningRate: 1e-3, weightDecay: 1e-6),
                          seed: 1)
      batches = Array(data.batches(6 * ranks, size: global / ranks)[(6 * rank)..<(6 * rank + 6)])
    default:
      throw DistributedError.mismatchedParameters("BENCH_DISTRIBUTED must be M1 or M3, got '\(workload)'")
    }
    step.replicas = group
    var seconds: [Double] = []
    let clock = ContinuousClock()
    for i in 0..<(warmup + timed) {
      let start = clock.now
      try step.step(batches[i % batches.count], globalCount: global)
      if i >= warmup { seconds.append((clock.now - start).seconds) }
    }
    let median = seconds.sorted()[seconds.count / 2]
    if rank == 0 {
      let bytes = group.map { Int($0.traffic.bytesPerStep) } ?? 0
      print("{\"workload\": \"\(workload)-train\", \"ranks\": \(ranks), \"threads_per_rank\": \(threads), "
        + "\"global_batch\": \(global), \"median_step_ms\": \(String(format: "%.2f", median * 1000)), "
        + "\"samples_per_second\": \(Int((Double(global) / median).rounded())), \"bytes_exchanged_per_step\": \(bytes), "
        + "\"dense_floats_per_step\": \(group.map { $0.traffic.denseFloats / max(1, $0.traffic.steps) } ?? 0), "
        + "\"sparse_rows_gathered_per_step\": \(group.map { $0.traffic.sparseIDs / max(1, $0.traffic.steps) } ?? 0)}")
    }
    group?.mpi.finish()
  }
}

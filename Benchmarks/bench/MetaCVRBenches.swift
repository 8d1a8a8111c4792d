// M1 and M2 of WORKLOADS.md: MetaCVR's base model trained (batch 256) and
// scored (batch 1024), and its stage 2 trained (batch 256), as samples/s.
// Each group runs in a process of its own (main.swift) so its peak memory
// (VmHWM) is the workload's, not the K7 tables'.
import CVRData
import CVRKernels

enum MetaCVRBenches {
  /// Matrix-product flops of one M1 forward per sample (WORKLOADS.md: 7.05 MFLOP).
  static let m1ForwardFlops = 7.052416e6
  /// Stage 2 per sample: 8 products (x − p)·W_oᵀ of 160 × 160.
  static let m2StageFlops = 8 * 2 * 160.0 * 160.0
  static let trainBatch = 256, inferenceBatch = 1024

  /// Cycles through fixed batches so the tables see different rows every step.
  final class Cycle {
    let batches: [Batch]
    var next = 0
    init(_ batches: [Batch]) { self.batches = batches }
    func take() -> Batch {
      defer { next = (next + 1) % batches.count }
      return batches[next]
    }
  }

  static let shape = "T=50 U[10,50], item 1e6x32, 424->256->128, 88->64->32, LN 160, f_b 160->128->64->1"

  static func m1Cases() -> [BenchCase] {
    let data = MetaCVRData(seed: 11)
    let network = try! M1Network(schema: data.schema, seed: 1)
    let training = Cycle(data.batches(8, size: trainBatch, seed: 2))
    let scoring = Cycle(data.batches(2, size: inferenceBatch, seed: 3))
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: inferenceBatch)
    return [
      BenchCase(name: "M1-train", shape: "batch 256, " + shape, flops: 3 * m1ForwardFlops * Double(trainBatch),
                run: { network.trainStep(training.take()) },
                check: { learns(network.trainStep, on: training.batches[0]) }, samples: Double(trainBatch)),
      BenchCase(name: "M1-infer", shape: "batch 1024, " + shape, flops: m1ForwardFlops * Double(inferenceBatch),
                run: { network.predict(scoring.take(), into: scores) },
                check: { probabilities(network, scoring.batches[0], scores) }, samples: Double(inferenceBatch)),
    ]
  }

  static func m2Cases() -> [BenchCase] {
    let data = MetaCVRData(seed: 11)
    // One frozen M1 under both stage-2 forms, so the group's peak memory is one model's.
    let base = try! M1Network(schema: data.schema, seed: 1)
    let network = M2Network(base: base, seed: 4)
    let spdm = try! MetaCVRStageTwo(base: base, seed: 5)
    let training = Cycle(data.batches(8, size: trainBatch, seed: 2))
    return [
      BenchCase(name: "M2-train", shape: "batch 256, M1 frozen + 4 occasions x 160x160 + EPN",
                flops: (m1ForwardFlops + 3 * m2StageFlops) * Double(trainBatch),
                run: { network.trainStep(training.take()) },
                check: { frozen(network, training.batches[0]) ?? learns(network.trainStep, on: training.batches[0]) },
                samples: Double(trainBatch)),
      BenchCase(name: "M2-SPDM", shape: "batch 256, MetaCVRModel (SPDM) on M1 frozen, 4 occasions",
                flops: m1ForwardFlops * Double(trainBatch),
                run: { spdm.trainStep(training.take()) },
                check: { learns(spdm.trainStep, on: training.batches[0]) }, samples: Double(trainBatch)),
    ]
  }

  /// Twenty steps on one batch must lower its loss (and keep it finite).
  static func learns(_ step: (Batch) -> Float, on batch: Batch) -> String? {
    let first = step(batch)
    var last = first
    for _ in 0..<20 { last = step(batch) }
    return first.isFinite && last.isFinite && last < first ? nil : "loss \(first) -> \(last) after 20 steps on one batch"
  }

  /// Scores are probabilities and scoring twice gives the same bits.
  static func probabilities(_ network: M1Network, _ batch: Batch, _ out: UnsafeMutablePointer<Float>) -> String? {
    network.predict(batch, into: out)
    let first = Array(UnsafeBufferPointer(start: out, count: batch.count))
    network.predict(batch, into: out)
    for i in 0..<batch.count where !(first[i] > 0 && first[i] < 1) || first[i] != out[i] {
      return "score \(i): \(first[i]) then \(out[i])"
    }
    return nil
  }

  /// A stage-2 step leaves every M1 parameter bit-identical.
  static func frozen(_ network: M2Network, _ batch: Batch) -> String? {
    let base = network.base
    let parameters = base.frn.parameters + base.outputNet.parameters + [base.embedder.tables[0].parameter]
    let before = parameters.map { $0.values() }
    network.trainStep(batch)
    for (p, values) in zip(parameters, before) where p.values() != values { return "stage 2 moved \(p.name)" }
    return nil
  }
}

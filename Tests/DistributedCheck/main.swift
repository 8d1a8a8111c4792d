// The MPI test programme of CVRDistributedTests (run under `mpirun -np N`, or
// alone as the one-process reference):
//   train OUT [--epochs E] [--batch B] [--rows N] [--fail-rank R]
//     BASE on the tiny DDF world (seed 5) through the real Trainer; rank 0 writes
//     every parameter's values to OUT (one "name v v …" line each) and the
//     exchange volume to stdout. --fail-rank R: rank R throws in its third step.
//   sparse CASE   the row exchange on hand-made tables: duplicates, empty, one-rank;
//     every rank checks the summed rows against the sum it computes itself.
import CVRAutograd
import CVRCore
import CVRData
import CVRIngest
import CVRDistributed
import CVRKernels
import CVRModels
import CVRSimulation
import CVRTraining
import Foundation

struct CheckFailure: Error, CustomStringConvertible {
  var description: String
}

func option(_ name: String, _ fallback: Int) -> Int {
  let args = CommandLine.arguments
  guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return fallback }
  return v
}

/// Trains BASE and writes its parameters (rank 0).
func train(out: String, group: MPIReplicaGroup?) throws {
  Threads.set(1)
  let rank = group?.rank ?? 0
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "distributed-check-\(ProcessInfo.processInfo.processIdentifier)-\(rank)", isDirectory: true)
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  let files = try DDFWorld.write(.tiny, seed: 5, to: directory)
  let schema = try DataSchema.load(from: files.schema)
  let store = try DataIngest.load(files.data, schema: schema, schemaDirectory: directory).store
  let splits = try DataSplits(store: store, train: DayRange(0, 20), recent: DayRange(14, 20), valid: DayRange(21, 27))
  let normalizer = try DenseNormalizer(store: store, rows: splits.rows(.train, space: .exposure))
  let assembler = try BatchAssembler(store: store, normalizer: normalizer)
  let model = try BaseCVRModel(plan: FeaturePlan(schema: schema), config: .init(outputWidths: [32, 16]), seed: 7)
  var config = TrainingConfig()
  config.batchSize = option("--batch", 64)
  config.maxEpochs = option("--epochs", 2)
  config.patience = 0
  config.seed = 11
  let train = Array(splits.rows(.train, space: .click).prefix(option("--rows", 513)))
  let failRank = option("--fail-rank", -1)
  var steps = 0
  var trainer = Trainer(name: "BASE", gradientHook: { _ in
    steps += 1
    if rank == failRank && steps == 3 { throw CheckFailure(description: "rank \(rank) fails on purpose in step 3") }
  })
  trainer.replicas = group
  let result = try trainer.fit(model: model, assembler: assembler, trainRows: train,
                               validRows: splits.rows(.valid, space: .click), config: config)
  guard rank == 0 else { return }
  var text = ""
  for p in model.parameters { text += p.name + " " + p.value.map { "\($0)" }.joined(separator: " ") + "\n" }
  try text.write(toFile: out, atomically: true, encoding: .utf8)
  let traffic = group?.traffic ?? ExchangeTraffic()
  print("rows \(train.count) steps \(result.steps) ranks \(group?.size ?? 1) bytes_per_step \(Int(traffic.bytesPerStep)) "
    + "dense_floats_per_step \(traffic.steps == 0 ? 0 : traffic.denseFloats / traffic.steps) "
    + "sparse_ids \(traffic.sparseIDs) sparse_floats \(traffic.sparseFloats) train_loss \(result.trainLoss)")
}

/// Each rank touches rows of a [6, 2] table and a dense [3] parameter; after `combine`
/// every rank must hold Σ_r w_r·g_r with exactly the union of touched rows.
func sparse(_ name: String, group: MPIReplicaGroup) throws {
  // The rows rank r touches in each case (ids may repeat: the local gradient merges them first).
  func rows(_ r: Int) -> [Int] {
    switch name {
    case "duplicates": return [2, 4, 2] + (r == 0 ? [0] : [])
    case "empty": return r == 1 ? [] : [1, 3]
    case "one-rank": return r == 0 ? [5, 0] : [1, 0]
    default: return []
    }
  }
  func value(_ r: Int, _ row: Int, _ j: Int) -> Float { Float(r + 1) * 0.5 + Float(row) + Float(j) * 0.25 }
  func weight(_ r: Int) -> Float { Float(r + 1) / Float(group.size * (group.size + 1) / 2) }
  let table = Parameter("table", shape: Shape(6, 2), gradientLayout: .sparseRows)
  let dense = Parameter("dense", shape: Shape(3))
  let r = group.rank
  for row in rows(r) {
    let acc = table.sparseGrad!.accumulator(forRow: row)
    for j in 0..<2 { acc[j] += value(r, row, j) }
  }
  for i in 0..<3 { dense.grad[i] = Float(r * 10 + i) }
  let loss = try group.combine([dense, table], loss: Float(r + 1), weight: weight(r))
  // The expected sums, from every rank's inputs (each rank can compute them all).
  var expected = [Float](repeating: 0, count: 12), touched = Set<Int>()
  var expectedDense = [Float](repeating: 0, count: 3), expectedLoss: Float = 0
  for q in 0..<group.size {
    for row in rows(q) {
      touched.insert(row)
      for j in 0..<2 { expected[row * 2 + j] += weight(q) * value(q, row, j) }
    }
    for i in 0..<3 { expectedDense[i] += weight(q) * Float(q * 10 + i) }
    expectedLoss += weight(q) * Float(q + 1)
  }
  let got = table.sparseGrad!.dense()
  let gotRows = Set((0..<table.sparseGrad!.count).map { table.sparseGrad!.row(atSlot: $0) })
  func close(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) } }
  guard gotRows == touched else {
    throw CheckFailure(description: "rank \(r): touched rows \(gotRows.sorted()), expected \(touched.sorted())")
  }
  guard close(got, expected) else { throw CheckFailure(description: "rank \(r): rows \(got), expected \(expected)") }
  guard close(Array(dense.grad), expectedDense) else {
    throw CheckFailure(description: "rank \(r): dense \(Array(dense.grad)), expected \(expectedDense)")
  }
  guard abs(loss - expectedLoss) <= 1e-5 else { throw CheckFailure(description: "rank \(r): loss \(loss), expected \(expectedLoss)") }
  print("sparse \(name) rank \(r): ok (\(touched.count) rows)")
}

let args = CommandLine.arguments
var group: MPIReplicaGroup? = nil
do {
  group = try DistributedTraining.start(requested: false, checksReplicas: true)
  switch args.count > 2 ? args[1] : "" {
  case "train": try train(out: args[2], group: group)
  case "sparse":
    guard let group else { throw CheckFailure(description: "sparse needs mpirun") }
    try sparse(args[2], group: group)
  default: throw CheckFailure(description: "usage: distributed-check train OUT [--epochs E] [--batch B] [--rows N] [--fail-rank R] | sparse duplicates|empty|one-rank")
  }
  group?.mpi.finish()
} catch {
  FileHandle.standardError.write(Data("distributed-check: error: \(error)\n".utf8))
  DistributedTraining.stopAll(group, name: "distributed-check", error: error, reported: true)
  exit(1)
}

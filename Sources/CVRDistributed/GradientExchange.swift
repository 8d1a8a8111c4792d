// The replica group over MPI: per step, the dense gradients and the loss in one
// fused all-reduce, and the embedding tables' touched rows as (row ids, rows)
// gathered from every rank and summed; rank 0's decisions broadcast; the
// replicas' parameter checksums compared in the debug mode.
import CVRAutograd
import CVRTraining

/// `ReplicaGroup` on MPI_COMM_WORLD. One instance per process; `combine` reuses its buffers (grown, never shrunk).
///
/// Per step, with D dense trainable floats, T sparse tables (width w_t) and k_{r,t}
/// distinct rows of table t touched on rank r (docs/distributed.md §3):
/// - one MPI_Allreduce of D + 1 floats: w_r·g_r of every dense parameter, then w_r·L_r;
/// - one MPI_Allgather of T Int32 counts per rank;
/// - one MPI_Allgatherv of Σ_t k_{r,t} Int32 row ids per rank and one of Σ_t k_{r,t}·w_t floats;
/// then every rank adds the gathered rows, rank 0's first, into its (zeroed) table
/// gradients, so duplicate ids across ranks are summed, a rank with no rows sends
/// none, and all ranks sum in the same order: the results are bit-identical.
public final class MPIReplicaGroup: ReplicaGroup {
  public let mpi: MPI
  public var rank: Int { mpi.rank }
  public var size: Int { mpi.size }
  public var checksReplicas: Bool
  /// What the exchanges moved (for docs/distributed.md's measured volume).
  public private(set) var traffic = ExchangeTraffic()

  private var fused: UnsafeMutableBufferPointer<Float> = .init(start: nil, count: 0)
  private var sendIDs: [Int32] = [], sendValues: [Float] = []
  private var allIDs: [Int32] = [], allValues: [Float] = []
  private var localCounts: [Int32] = [], allCounts: [Int32] = []
  private var idCounts: [Int32] = [], valueCounts: [Int32] = []

  public init(mpi: MPI, checksReplicas: Bool = false) {
    self.mpi = mpi
    self.checksReplicas = checksReplicas
  }

  deinit { fused.deallocate() }

  public func combine(_ parameters: [Parameter], loss: Float, weight: Float) throws -> Float {
    let globalLoss = try combineDense(parameters, loss: loss, weight: weight)
    try combineSparse(parameters, weight: weight)
    traffic.steps += 1
    return globalLoss
  }

  /// Dense gradients and the loss, scaled by `weight`, summed in one all-reduce.
  private func combineDense(_ parameters: [Parameter], loss: Float, weight: Float) throws -> Float {
    var total = 1
    for p in parameters where p.gradientLayout == .dense { total += p.shape.count }
    if fused.count < total {
      fused.deallocate()
      fused = .allocate(capacity: total)
    }
    let buffer = fused.baseAddress!
    var offset = 0
    for p in parameters where p.gradientLayout == .dense {
      let g = p.grad.baseAddress!, n = p.shape.count
      for i in 0..<n { buffer[offset + i] = weight * g[i] }
      offset += n
    }
    buffer[offset] = weight * loss
    try mpi.allReduceSum(UnsafeMutableBufferPointer(start: buffer, count: total))
    offset = 0
    for p in parameters where p.gradientLayout == .dense {
      let g = p.grad.baseAddress!, n = p.shape.count
      for i in 0..<n { g[i] = buffer[offset + i] }
      offset += n
    }
    traffic.denseFloats += total
    return buffer[offset]
  }

  /// Every table's touched rows from every rank, summed per row id.
  private func combineSparse(_ parameters: [Parameter], weight: Float) throws {
    let tables = parameters.compactMap(\.sparseGrad)
    guard !tables.isEmpty else { return }
    let t = tables.count
    if localCounts.count != t { localCounts = .init(repeating: 0, count: t) }
    if allCounts.count != t * size { allCounts = .init(repeating: 0, count: t * size) }
    sendIDs.removeAll(keepingCapacity: true)
    sendValues.removeAll(keepingCapacity: true)
    for (i, table) in tables.enumerated() {
      localCounts[i] = Int32(table.count)
      for slot in 0..<table.count {
        sendIDs.append(Int32(table.row(atSlot: slot)))
        let row = table.values(atSlot: slot)
        for j in 0..<table.width { sendValues.append(weight * row[j]) }
      }
    }
    try localCounts.withUnsafeBufferPointer { mine in
      try allCounts.withUnsafeMutableBufferPointer { try mpi.allGather(mine, into: $0) }
    }
    // Per rank: how many ids and floats it sends.
    if idCounts.count != size {
      idCounts = .init(repeating: 0, count: size)
      valueCounts = .init(repeating: 0, count: size)
    }
    for r in 0..<size {
      idCounts[r] = 0
      valueCounts[r] = 0
      for i in 0..<t {
        let k = allCounts[r * t + i]
        guard k >= 0, k <= Int32(tables[i].rows) else {
          throw DistributedError.mismatchedParameters("rank \(r) sent \(k) rows for a table of \(tables[i].rows)")
        }
        idCounts[r] += k
        valueCounts[r] += k * Int32(tables[i].width)
      }
    }
    let totalIDs = Int(idCounts.reduce(0, +)), totalValues = Int(valueCounts.reduce(0, +))
    if allIDs.count < totalIDs { allIDs = .init(repeating: 0, count: totalIDs) }
    if allValues.count < totalValues { allValues = .init(repeating: 0, count: totalValues) }
    try sendIDs.withUnsafeBufferPointer { mine in
      try allIDs.withUnsafeMutableBufferPointer { try mpi.allGatherV(mine, counts: idCounts, into: $0) }
    }
    try sendValues.withUnsafeBufferPointer { mine in
      try allValues.withUnsafeMutableBufferPointer { try mpi.allGatherV(mine, counts: valueCounts, into: $0) }
    }
    // Sum in rank order on every rank: the same additions in the same order everywhere.
    for table in tables { table.zero() }
    var idAt = 0, valueAt = 0
    allIDs.withUnsafeBufferPointer { ids in
      allValues.withUnsafeBufferPointer { values in
        for r in 0..<size {
          for (i, table) in tables.enumerated() {
            let w = table.width
            for _ in 0..<Int(allCounts[r * t + i]) {
              let row = Int(ids[idAt])
              let accumulator = table.accumulator(forRow: row)
              for j in 0..<w { accumulator[j] += values[valueAt + j] }
              idAt += 1
              valueAt += w
            }
          }
        }
      }
    }
    traffic.sparseCounts += t * size
    traffic.sparseIDs += totalIDs
    traffic.sparseFloats += totalValues
  }

  public func broadcast(_ values: [Double]) throws -> [Double] {
    var out = values
    try out.withUnsafeMutableBufferPointer { try mpi.broadcast($0) }
    return out
  }

  public func verifyIdentical(_ parameters: [Parameter], context: String) throws {
    let mine = parameters.map(ParameterChecksum.of)
    var all = [UInt64](repeating: 0, count: mine.count * size)
    // Ranks with different parameter counts would gather garbage: compare the counts first.
    var count = [UInt64(mine.count)], counts = [UInt64](repeating: 0, count: size)
    try count.withUnsafeMutableBufferPointer { c in
      try counts.withUnsafeMutableBufferPointer { try mpi.allGather(UnsafeBufferPointer(c), into: $0) }
    }
    guard Set(counts).count == 1 else {
      throw DistributedError.mismatchedParameters("\(context): parameter counts by rank \(counts)")
    }
    try mine.withUnsafeBufferPointer { m in try all.withUnsafeMutableBufferPointer { try mpi.allGather(m, into: $0) } }
    for (i, p) in parameters.enumerated() {
      let byRank = (0..<size).map { all[$0 * mine.count + i] }
      if Set(byRank).count != 1 {
        throw DistributedError.replicasDiffer(context: context, parameter: p.name, checksums: byRank)
      }
    }
  }
}

/// Elements moved by the exchanges since the group was made (each counted once per rank's view).
public struct ExchangeTraffic: Sendable, Equatable {
  public var steps = 0
  /// Floats all-reduced (D + 1 per step).
  public var denseFloats = 0
  /// Int32 counts gathered (T · N per step).
  public var sparseCounts = 0
  /// Row ids and row floats gathered from all ranks.
  public var sparseIDs = 0
  public var sparseFloats = 0

  public init() {}

  /// Bytes this rank receives per step on average: the all-reduce's result, the counts,
  /// the gathered ids and rows (4 bytes each).
  public var bytesPerStep: Double {
    steps == 0 ? 0 : Double(4 * (denseFloats + sparseCounts + sparseIDs + sparseFloats)) / Double(steps)
  }
}

/// FNV-1a over a parameter's value bits: equal values give equal sums, any flipped bit changes it.
enum ParameterChecksum {
  static func of(_ p: Parameter) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for v in p.value { hash = (hash ^ UInt64(v.bitPattern)) &* 0x0000_0100_0000_01B3 }
    return hash
  }
}

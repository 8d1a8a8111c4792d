// The one file that calls MPI (Open MPI through CMPI's shim): start and stop,
// rank and size, and the five collectives the gradient exchange and the
// agreements need. Errors are returned, not fatal (MPI_ERRORS_RETURN), and
// become `DistributedError.mpi` naming the call.
import CMPI

/// MPI_COMM_WORLD of this process. Create once (`MPI.start()`), `finish()` at the end.
public final class MPI {
  public let rank: Int
  public let size: Int
  private let world = cvr_mpi_comm_world()

  private init(rank: Int, size: Int) {
    self.rank = rank
    self.size = size
  }

  /// MPI_Init (when not initialised yet), errors returned instead of aborting; rank and size of the world.
  public static func start() throws -> MPI {
    var initialised: Int32 = 0
    try check(MPI_Initialized(&initialised), "MPI_Initialized")
    if initialised == 0 { try check(MPI_Init(nil, nil), "MPI_Init") }
    try check(MPI_Comm_set_errhandler(cvr_mpi_comm_world(), cvr_mpi_errors_return()), "MPI_Comm_set_errhandler")
    var rank: Int32 = 0, size: Int32 = 0
    try check(MPI_Comm_rank(cvr_mpi_comm_world(), &rank), "MPI_Comm_rank")
    try check(MPI_Comm_size(cvr_mpi_comm_world(), &size), "MPI_Comm_size")
    return MPI(rank: Int(rank), size: Int(size))
  }

  /// MPI_Finalize: after the last collective, on every rank.
  public func finish() {
    var finalised: Int32 = 0
    MPI_Finalized(&finalised)
    if finalised == 0 { MPI_Finalize() }
  }

  /// MPI_Abort: ends every rank of the job with `code` (after this rank has said why).
  public func abort(code: Int32) -> Never {
    MPI_Abort(world, code)
    fatalError("MPI_Abort returned")  // not reached: MPI_Abort does not return
  }

  /// In place: buffer[i] ← Σ_r buffer_r[i] (MPI_Allreduce, MPI_SUM).
  public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
    guard buffer.count > 0 else { return }
    try Self.check(MPI_Allreduce(cvr_mpi_in_place(), buffer.baseAddress, Int32(buffer.count), cvr_mpi_float(),
                                 cvr_mpi_sum(), world), "MPI_Allreduce")
  }

  /// Each rank's `count` values of `mine`, rank after rank, into `all` (size · count; MPI_Allgather).
  public func allGather(_ mine: UnsafeBufferPointer<Int32>, into all: UnsafeMutableBufferPointer<Int32>) throws {
    precondition(all.count == mine.count * size, "MPI.allGather: \(all.count) for \(mine.count) × \(size)")
    try Self.check(MPI_Allgather(mine.baseAddress, Int32(mine.count), cvr_mpi_int32(), all.baseAddress,
                                 Int32(mine.count), cvr_mpi_int32(), world), "MPI_Allgather")
  }

  /// As `allGather`, for UInt64 (parameter checksums).
  public func allGather(_ mine: UnsafeBufferPointer<UInt64>, into all: UnsafeMutableBufferPointer<UInt64>) throws {
    precondition(all.count == mine.count * size, "MPI.allGather: \(all.count) for \(mine.count) × \(size)")
    try Self.check(MPI_Allgather(mine.baseAddress, Int32(mine.count), cvr_mpi_uint64(), all.baseAddress,
                                 Int32(mine.count), cvr_mpi_uint64(), world), "MPI_Allgather")
  }

  /// Rank r's `counts[r]` values, concatenated in rank order into `all` (MPI_Allgatherv).
  public func allGatherV(_ mine: UnsafeBufferPointer<Int32>, counts: [Int32],
                         into all: UnsafeMutableBufferPointer<Int32>) throws {
    try gatherV(mine.baseAddress, Int32(mine.count), counts, all.baseAddress, cvr_mpi_int32(), all.count)
  }

  /// As above, for Float rows.
  public func allGatherV(_ mine: UnsafeBufferPointer<Float>, counts: [Int32],
                         into all: UnsafeMutableBufferPointer<Float>) throws {
    try gatherV(mine.baseAddress, Int32(mine.count), counts, all.baseAddress, cvr_mpi_float(), all.count)
  }

  /// Rank 0's `values` into every rank's (MPI_Bcast).
  public func broadcast(_ values: UnsafeMutableBufferPointer<Double>) throws {
    guard values.count > 0 else { return }
    try Self.check(MPI_Bcast(values.baseAddress, Int32(values.count), cvr_mpi_double(), 0, world), "MPI_Bcast")
  }

  private func gatherV(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ counts: [Int32], _ receive: UnsafeMutableRawPointer?,
                       _ type: MPI_Datatype, _ capacity: Int) throws {
    precondition(counts.count == size && Int(counts.reduce(0, +)) <= capacity, "MPI.allGatherV: counts \(counts)")
    var offsets = [Int32](repeating: 0, count: size)
    for r in 1..<max(size, 1) { offsets[r] = offsets[r - 1] + counts[r - 1] }
    // A rank with nothing to send still takes part (count 0); the buffers may then be empty, never nil to MPI.
    var dummy: Int64 = 0
    try withUnsafeMutablePointer(to: &dummy) { fallback in
      try Self.check(MPI_Allgatherv(send ?? UnsafeRawPointer(fallback), sendCount, type, receive ?? UnsafeMutableRawPointer(fallback),
                                    counts, offsets, type, world), "MPI_Allgatherv")
    }
  }

  private static func check(_ code: Int32, _ call: String) throws {
    guard code != cvr_mpi_success() else { return }
    var text = [CChar](repeating: 0, count: Int(cvr_mpi_max_error_string()) + 1)
    var length: Int32 = 0
    MPI_Error_string(code, &text, &length)
    throw DistributedError.mpi(call: call, code: Int(code), message: String(cString: text))
  }
}

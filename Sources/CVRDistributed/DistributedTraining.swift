// How an executable joins a data-parallel run: MPI is started only when an MPI
// launcher started the process (its environment says so) or --distributed asks;
// rank 0 owns the output directory; a failing rank ends every rank.
import Foundation

public enum DistributedTraining {
  /// Whether an MPI launcher (mpirun/mpiexec of Open MPI, or a PMI/PMIx launcher such as srun) started this process.
  public static func launchedByMPI(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"].contains { environment[$0] != nil }
  }

  /// The replica group of this process, or nil for a plain one-process run (MPI is not touched then).
  ///
  /// - Parameters:
  ///   - requested: `--distributed`: start MPI even without a launcher's environment (a world of one).
  ///   - checksReplicas: compare the replicas' parameter checksums after every epoch.
  public static func start(requested: Bool, checksReplicas: Bool) throws -> MPIReplicaGroup? {
    guard requested || launchedByMPI() else { return nil }
    // A rank waiting in a collective yields its core instead of spinning, unless the user chose
    // (`--mca mpi_yield_when_idle 0` or the variable): on a machine with no core to spare, a
    // spinning rank starves the peer it waits for (the demo's LR: 11.9 s spinning, 0.3 s
    // yielding; docs/distributed.md §4). Open MPI reads OMPI_MCA_* in MPI_Init.
    setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0)
    return MPIReplicaGroup(mpi: try MPI.start(), checksReplicas: checksReplicas)
  }

  /// Where this rank writes: `out` for rank 0 (and one process); a private scratch
  /// directory under the system's temporary directory for the others, whose
  /// checkpoints nobody reads (`finish` deletes it). Nothing of theirs lands in `out`.
  public static func outputDirectory(_ out: URL, group: MPIReplicaGroup?) -> URL {
    guard let group, group.rank > 0 else { return out }
    return FileManager.default.temporaryDirectory.appendingPathComponent(
      "cvr-rank\(group.rank)-of\(group.size)-pid\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
  }

  /// The end of a good run on every rank: scratch removed, MPI_Finalize.
  public static func finish(_ group: MPIReplicaGroup?, output: URL, out: URL) {
    guard let group else { return }
    if output != out { try? FileManager.default.removeItem(at: output) }
    group.mpi.finish()
  }

  /// A rank failed: with several ranks, say so (and `error`, unless the caller has
  /// printed it) and MPI_Abort every rank, which otherwise would wait in the next
  /// collective for ever. With one rank (or none) it returns, and the caller exits as usual.
  public static func stopAll(_ group: MPIReplicaGroup?, name: String, error: any Error, reported: Bool,
                             scratch: URL? = nil) {
    guard let group, group.size > 1 else { return }
    let what = reported ? "(the error is above)" : "\(error)"
    FileHandle.standardError.write(Data(
      "\(name): rank \(group.rank) of \(group.size) failed \(what); stopping every rank (MPI_Abort)\n".utf8))
    if let scratch, group.rank > 0 { try? FileManager.default.removeItem(at: scratch) }
    group.mpi.abort(code: 1)
  }
}

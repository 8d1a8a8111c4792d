// What goes wrong in a data-parallel run, in words that name the call or the
// parameter: an MPI call's error, replicas that have parted, a bad launch.

public enum DistributedError: Error, CustomStringConvertible, Equatable {
  /// An MPI call returned an error code.
  case mpi(call: String, code: Int, message: String)
  /// The debug check found a parameter whose bits differ between ranks.
  case replicasDiffer(context: String, parameter: String, checksums: [UInt64])
  /// The ranks do not train the same parameters (different models or configs).
  case mismatchedParameters(String)

  public var description: String {
    switch self {
    case .mpi(let call, let code, let message): return "\(call) failed (MPI error \(code)): \(message)"
    case .replicasDiffer(let context, let parameter, let checksums):
      return "\(context): the replicas differ in parameter '\(parameter)' (checksums by rank: "
        + checksums.map { String($0, radix: 16) }.joined(separator: ", ") + ")"
    case .mismatchedParameters(let problem): return "the ranks train different parameters: \(problem)"
    }
  }
}

// The fuzz harnesses by name: what the libFuzzer executables under Fuzz/ call
// and what the corpus replay test runs through the normal build.

/// One harness: arbitrary bytes into one of the package's readers.
///
/// The rule every harness follows: a thrown error is a correct answer to bad
/// input and is swallowed; anything else — a trap, a sanitizer report, a
/// hang — is a finding. The raw value names the corpus folder
/// (Fuzz/corpus/<name>, Fuzz/regressions/<name>) and the executable (fuzz-<name>).
public enum FuzzHarness: String, CaseIterable, Sendable {
  /// A data file against a fixed schema that uses every column role (`fuzzCSV`).
  case csv
  /// A schema file, then a small data file written to fit it (`fuzzSchema`).
  case schema
  /// A checkpoint file: verify, header, load into a fixed model (`fuzzCheckpoint`).
  case checkpoint
  /// A score file as `cvr evaluate` reads and summarises it (`fuzzScoreFile`).
  case scores

  /// Feeds `bytes` to the harness; returns when the code under test returned or threw.
  public func run(_ bytes: UnsafeRawBufferPointer) {
    switch self {
    case .csv: fuzzCSV(bytes)
    case .schema: fuzzSchema(bytes)
    case .checkpoint: fuzzCheckpoint(bytes)
    case .scores: fuzzScoreFile(bytes)
    }
  }
}

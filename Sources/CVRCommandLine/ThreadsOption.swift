// The engine's one thread setting as a flag, checked before anything runs.
import ArgumentParser

/// `--threads N` (N ≥ 1; default: OPENBLAS_NUM_THREADS or every core).
package struct ThreadsOption: ParsableArguments {
  @Option(help: "Engine threads, at least 1 (default: OPENBLAS_NUM_THREADS or every core).")
  package var threads: Int?

  package init() {}

  package func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
  }
}

// The flags of an experiment run that train-metacvr and train-egean share: the
// config file, the output directory and what to do with a run already there,
// threads, quiet; and the error report both give.
import ArgumentParser
import Foundation

package struct ExperimentRunOptions: ParsableArguments {
  @Option(help: ArgumentHelp("One seed (3), a range (1-5) or a list (1,4,9) (default: 1,2,3).", valueName: "seeds"))
  package var seeds: String?

  @Option(help: "A YAML config (training, model_training, model_options, …); its relative paths are read from its own directory.")
  package var config: String?

  @Option(help: "The output directory.")
  package var out: String

  @OptionGroup package var engine: ThreadsOption

  @Flag(help: "No progress line.")
  package var quiet = false

  @Flag(help: """
    Continue the killed or failed run in --out (same flags and config): finished models are \
    verified and reused, the interrupted one resumes after its last completed epoch.
    """)
  package var resume = false

  @Flag(help: "Replace the run already in --out (its results, plots and checkpoints are deleted first).")
  package var overwrite = false

  @Flag(help: """
    Data-parallel training over MPI even without an MPI launcher's environment (under \
    mpirun it is on by itself): batch_size is the global batch, each rank takes its share.
    """)
  package var distributed = false

  @Flag(help: "With several ranks: compare the replicas' parameter checksums after every epoch (a debug mode).")
  package var checkReplicas = false

  package init() {}

  package func validate() throws {
    if let seeds { _ = try SeedList.parse(seeds) }
    if resume, overwrite {
      throw ValidationError("--resume continues the run in --out and --overwrite replaces it: give one of them")
    }
  }

  /// Runs `body`; an error other than a flag error is printed as "NAME: error: …" and exits 1.
  package static func reportingErrors(_ name: String, _ body: () throws -> Void) throws {
    do {
      try body()
    } catch let error as ValidationError {
      throw error
    } catch {
      FileHandle.standardError.write(Data("\n\(name): error: \(error)\n".utf8))
      throw ExitCode.failure
    }
  }

  /// "a, b ,c" → ["a", "b", "c"] (empty items dropped).
  package static func list(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// A status line on standard error.
  package static func status(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}

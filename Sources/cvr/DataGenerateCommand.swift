// `cvr data generate`: writes a simulated world (data.csv, schema.yaml and, for
// DDF, calendar.csv) whose true CTR/CVR are known, for checking the papers' claims.
import ArgumentParser
import CVRData
import CVRSimulation
import Foundation

struct DataGenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Write a simulated data set with known ground truth.",
    discussion: """
      ddf: delayed feedback with promotion occasions (MetaCVR's setting).
      bias: clicks select who is seen converting (the sample selection bias of the entire-space models).

      Example:
        cvr data generate --world ddf --seed 7 --out sim
      """)

  enum World: String, ExpressibleByArgument, CaseIterable { case ddf, bias }
  enum Preset: String, ExpressibleByArgument, CaseIterable { case small }

  @Option(help: "The simulated world: ddf or bias.")
  var world: World

  @Option(help: "The size preset.")
  var preset: Preset = .small

  @Option(help: "The random seed (same seed, same files).")
  var seed: UInt64 = 0

  @Option(help: "The directory to write into (created if needed).")
  var out: String

  func run() throws {
    let directory = URL(fileURLWithPath: out, isDirectory: true)
    try DataOutput.createDirectory(directory)
    let files: SimulatedFiles
    switch (world, preset) {
    case (.ddf, .small): files = try DDFWorld.write(.small, seed: seed, to: directory)
    case (.bias, .small): files = try SelectionBiasWorld.write(.small, seed: seed, to: directory)
    }
    print("wrote \(files.data.path)")
    print("wrote \(files.schema.path)")
  }
}

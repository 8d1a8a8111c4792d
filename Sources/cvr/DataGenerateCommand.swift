// `cvr data generate`: writes a simulated world whose truth is known, for checking
// the papers' claims: data.csv, schema.yaml (and, for DDF, calendar.csv), or for
// the MNAR ratings world the train/test ratings in both formats with the true propensities.
import ArgumentParser
import CVRData
import CVRSimulation
import Foundation

struct DataGenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Write a simulated data set with known ground truth.",
    discussion: """
      ddf: delayed feedback with promotion occasions (MetaCVR's setting; the demo's world).
      ddf-5x: the same world at five times the traffic (10 000 exposures a day).
      ddf-fluctuation: real fluctuation: promotions that differ from each other on random dates,
      an abrupt shift on day 35, labels of D censored at the training cut (day 56), 5x traffic.
      The ddf worlds' day splits (D, D_r, D_v) are 0-55, 42-55, 56-69 (train-metacvr --world NAME
      uses them); docs/data-simulators.md describes each.
      bias: clicks select who is seen converting (the sample selection bias of the entire-space models).
      mnar: user × item ratings observed more often when high (Yahoo!R3/Coat-like): train.csv
      (with the true propensities), test.csv (MCAR), the same as .ascii matrices, and the truth.
      ali-ccp-scale: --rows impressions in the processed Ali-CCP layout at the public set's rates
      (CTR about 4 %, conversions about 0.5 % of clicks): train.csv, test.csv (a tenth as many
      rows) and schema.yaml (the lineage's shared 737,946-row table, embedding size 5), for scale
      runs (Scripts/scale.sh, docs/performance.md); no ground truth.

      Examples:
        cvr data generate --world ddf --seed 7 --out sim
        cvr data generate --world ddf-fluctuation --seed 1 --out fluct
        cvr data generate --world mnar --seed 11 --out ratings
        cvr data generate --world ali-ccp-scale --rows 5000000 --out scale
        cvr debias train --train ratings/train.csv --test ratings/test.csv --format long --out run
      """)

  enum World: String, ExpressibleByArgument, CaseIterable {
    case ddf, bias, mnar
    case ddf5x = "ddf-5x"
    case ddfFluctuation = "ddf-fluctuation"
    case aliCCPScale = "ali-ccp-scale"
  }
  enum Preset: String, ExpressibleByArgument, CaseIterable { case small }

  @Option(help: "The simulated world: ddf, ddf-5x, ddf-fluctuation, bias, mnar or ali-ccp-scale.")
  var world: World

  @Option(help: "The size preset.")
  var preset: Preset = .small

  @Option(help: "The random seed (same seed, same files).")
  var seed: UInt64 = 0

  @Option(help: "The directory to write into (created if needed).")
  var out: String

  @Option(help: "ali-ccp-scale only: impressions in train.csv (test.csv gets a tenth as many).")
  var rows: Int?

  func validate() throws {
    if let rows {
      guard world == .aliCCPScale else { throw ValidationError("--rows sizes the ali-ccp-scale world only") }
      guard rows >= 10 else { throw ValidationError("--rows must be at least 10, got \(rows)") }
    }
    if world == .aliCCPScale, rows == nil { throw ValidationError("--world ali-ccp-scale needs --rows N") }
  }

  func run() throws {
    let directory = URL(fileURLWithPath: out, isDirectory: true)
    try DataOutput.createDirectory(directory)
    let written: [URL]
    switch (world, preset) {
    case (.ddf, .small), (.ddf5x, .small), (.ddfFluctuation, .small):
      let named = DDFNamedWorld.named(world.rawValue)!
      let files = try DDFWorld.write(named.config, seed: seed, to: directory)
      written = [files.data, files.schema] + (files.calendar.map { [$0] } ?? [])
    case (.bias, .small):
      let files = try SelectionBiasWorld.write(.small, seed: seed, to: directory)
      written = [files.data, files.schema]
    case (.aliCCPScale, .small):
      written = try AliCCPScale.write(rows: rows!, seed: seed, to: directory)
    case (.mnar, .small):
      let f = try MNARRatingsWorld(.small, seed: seed).write(to: directory)
      written = [f.trainLong, f.testLong, f.trainMatrix, f.testMatrix, f.propensityMatrix, f.userFactors, f.itemFactors]
    }
    for url in written { print("wrote \(url.path)") }
  }
}

// The seed corpus stays meaningful: every `valid-*` seed is accepted by the
// real reader (a seed the format has moved away from would only test errors).
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRData
import CVRFuzzEntry
import CVRIngest
import CVROptim
import Foundation
import Testing

func validSeeds(_ harness: FuzzHarness) -> [URL] {
  fuzzInputs("corpus", harness).filter { $0.lastPathComponent.hasPrefix("valid-") }
}

@Suite struct FuzzSeedCorpusTests {
  @Test func validDataSeedsIngestAgainstTheHarnessSchema() throws {
    let seeds = validSeeds(.csv)
    #expect(seeds.count >= 2)
    for seed in seeds {
      let result = try DataIngest.load(seed, schema: fuzzIngestSchema, options: .init(useCache: false))
      #expect(result.report.rows >= 2, "\(seed.lastPathComponent)")
    }
  }

  @Test func theHarnessSchemaIsTheSeedSchema() throws {
    let seed = fuzzDirectory.appendingPathComponent("corpus/schema/valid-fuzz-csv-schema.yaml")
    #expect(try DataSchema.load(from: seed) == fuzzIngestSchema)
  }

  @Test func validSchemaSeedsLoad() throws {
    let seeds = validSeeds(.schema)
    #expect(seeds.count >= 3)
    for seed in seeds { _ = try DataSchema.load(from: seed) }
  }

  @Test func validCheckpointSeedsLoadIntoTheHarnessModel() throws {
    let seeds = validSeeds(.checkpoint)
    #expect(seeds.count >= 2)
    for seed in seeds {
      try Checkpoint.verify(at: seed)
      let parameters = FuzzCheckpointModel.parameters()
      let optimizer: (any Optimizer)? = seed.lastPathComponent.contains("adam") ? Adam(parameters) : nil
      try Checkpoint.load(from: seed, into: parameters, optimizer: optimizer, expecting: FuzzCheckpointModel.kind,
                          config: nil as JSONValue?)
    }
  }

  @Test func validScoreSeedsRead() throws {
    let seeds = validSeeds(.scores)
    #expect(seeds.count >= 2)
    for seed in seeds {
      let delimiter = UInt8(ascii: seed.lastPathComponent.contains("tab") ? "\t" : ",")
      let columns = try ScoreFile.read(seed, label: "click", score: "score", delimiter: delimiter)
      #expect(columns.labels.count >= 2, "\(seed.lastPathComponent)")
    }
  }
}

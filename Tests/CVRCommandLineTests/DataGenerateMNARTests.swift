// `cvr data generate --world mnar` writes the MNAR ratings world a user feeds to
// `cvr debias train`: the same bytes as the library's writer for the same seed.
import CVRSimulation
import CVRTestSupport
import Foundation
import Testing

@Suite struct DataGenerateMNARTests {
  @Test func theCommandWritesTheLibrarysFiles() throws {
    let cli = try scratchDirectory(), library = try scratchDirectory()
    let run = try BuiltTool.run("cvr", ["data", "generate", "--world", "mnar", "--seed", "5", "--out", cli.path])
    #expect(run.status == 0, "\(run.stderr)")
    let files = try MNARRatingsWorld(.small, seed: 5).write(to: library)
    for url in [files.trainLong, files.testLong, files.trainMatrix, files.testMatrix, files.propensityMatrix] {
      let written = cli.appendingPathComponent(url.lastPathComponent)
      #expect(run.stdout.contains("wrote \(written.path)"))
      #expect(try Data(contentsOf: written) == Data(contentsOf: url), "\(url.lastPathComponent) differs")
    }
  }
}

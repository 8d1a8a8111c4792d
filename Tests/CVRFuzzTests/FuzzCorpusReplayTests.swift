// The fuzz corpus and every kept crash input, replayed through the harnesses
// in the normal build: each must return (an error is fine, a trap is not).
import CVRFuzzEntry
import Foundation
import Testing

/// Fuzz/ in the source tree (this file is Tests/CVRFuzzTests/…).
let fuzzDirectory = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("Fuzz")

/// The files of Fuzz/<kind>/<harness>, sorted (none when the folder is missing).
func fuzzInputs(_ kind: String, _ harness: FuzzHarness) -> [URL] {
  let folder = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(harness.rawValue)
  let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
  return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
}

func replay(_ url: URL, through harness: FuzzHarness) throws {
  let data = try Data(contentsOf: url)
  data.withUnsafeBytes { harness.run($0) }
}

@Suite struct FuzzCorpusReplayTests {
  @Test(arguments: FuzzHarness.allCases)
  func seedCorpusReplays(_ harness: FuzzHarness) throws {
    let files = fuzzInputs("corpus", harness)
    // An empty corpus would make this test pass without replaying anything.
    #expect(files.count >= 3, "Fuzz/corpus/\(harness.rawValue) holds \(files.count) files")
    for file in files { try replay(file, through: harness) }
  }

  @Test(arguments: FuzzHarness.allCases)
  func keptCrashInputsReplay(_ harness: FuzzHarness) throws {
    for file in fuzzInputs("regressions", harness) { try replay(file, through: harness) }
  }
}

// `cvr evaluate --where`: rows kept by COLUMN=VALUE filters (text or numeric
// equality, ANDed), counts of read and kept rows, unknown columns as errors.
import CVRIngest
import CVRMetrics
import Foundation
import Testing

@Suite struct ScoreFileFilterTests {
  let text = "row,click,conversion,score,site\n0,1,1,0.9,a\n1,0,0,0.8,a\n2,1.0,0,0.2,b\n3,0,1,0.1,a\n4,1,0,0.4,a\n"

  @Test func clickEqualsOneKeepsClickedRowsInAnySpelling() throws {
    let url = try temporaryFile(text)
    defer { try? FileManager.default.removeItem(at: url) }
    let read = try ScoreFile.readCounting(url, label: "conversion", score: "score",
                                          filters: [ScoreFilter(column: "click", value: "1")])
    #expect(read.columns.scores == [0.9, 0.2, 0.4])
    #expect(read.columns.labels == [true, false, false])
    #expect(read.counts == ScoreFileCounts(rows: 5, kept: 3))
    // Without a filter every row counts (the old behaviour).
    #expect(try ScoreFile.read(url, label: "conversion", score: "score").scores.count == 5)
  }

  @Test func filtersAreAnded() throws {
    let url = try temporaryFile(text)
    defer { try? FileManager.default.removeItem(at: url) }
    let filters = [ScoreFilter(parsing: "click=1")!, ScoreFilter(parsing: "site=a")!]
    let c = try ScoreFile.read(url, label: "conversion", score: "score", filters: filters)
    #expect(c.scores == [0.9, 0.4])
  }

  @Test func anUnknownColumnNamesTheFilterAndTheHeader() throws {
    let url = try temporaryFile(text)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(throws: ScoreFileError(
      file: url.path, line: 1,
      reason: "--where clik=1: no column 'clik' in the header (columns: row, click, conversion, score, site)")) {
      try ScoreFile.read(url, label: "conversion", score: "score", filters: [ScoreFilter(column: "clik", value: "1")])
    }
  }

  @Test func filterTextParses() {
    #expect(ScoreFilter(parsing: "click=1") == ScoreFilter(column: "click", value: "1"))
    #expect(ScoreFilter(parsing: "a=b=c") == ScoreFilter(column: "a", value: "b=c"))
    #expect(ScoreFilter(parsing: "site=") == ScoreFilter(column: "site", value: ""))
    #expect(ScoreFilter(parsing: "click") == nil && ScoreFilter(parsing: "=1") == nil)
  }
}

// The score file reader behind `cvr evaluate`: columns by header name, quotes,
// CRLF, tabs, user ids, and file:line: reason for bad values; then the summary.
import CVRIngest
import CVRMetrics
import CVRReports
import Foundation
import Testing

func temporaryFile(_ text: String) throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-metrics-\(UUID().uuidString).csv")
  try Data(text.utf8).write(to: url)
  return url
}

@Suite struct ScoreFileTests {
  @Test func readsColumnsByName() throws {
    let url = try temporaryFile("id,\"user\",y,p\r\n1,alice,1,0.9\r\n\r\n2,\"bob, jr\",0,0.25\n3,alice,1.0,1e-3\n")
    defer { try? FileManager.default.removeItem(at: url) }
    let c = try ScoreFile.read(url, label: "y", score: "p", user: "user")
    #expect(c.labels == [true, false, true])
    #expect(c.scores == [0.9, 0.25, 0.001])
    let users = try #require(c.users)
    #expect(users[0] == users[2] && users[0] != users[1])
  }

  @Test func tabDelimited() throws {
    let url = try temporaryFile("p\ty\n0.5\t0\n0.75\t1")
    defer { try? FileManager.default.removeItem(at: url) }
    let c = try ScoreFile.read(url, label: "y", score: "p", delimiter: UInt8(ascii: "\t"))
    #expect(c.labels == [false, true] && c.scores == [0.5, 0.75] && c.users == nil)
  }

  @Test(arguments: [
    ("y,p\n1,0.5\n2,0.4\n", "3: column 'y': '2' is not a 0/1 label"),
    ("y,p\n1,0.5\n0,abc\n", "3: column 'p': 'abc' is not a finite number"),
    ("y,p\n1,0.5\n0,nan\n", "3: column 'p': 'nan' is not a finite number"),
    ("y,p\n1\n", "2: 1 fields, the header names 2"),
    ("y,q\n1,0.5\n", "1: no column 'p' in the header (columns: y, q)"),
  ])
  func badValuesNameFileAndLine(text: String, message: String) throws {
    let url = try temporaryFile(text)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect {
      _ = try ScoreFile.read(url, label: "y", score: "p")
    } throws: { error in
      "\(error)" == url.path + ":" + message
    }
  }

  @Test func summaryJSON() throws {
    var columns = ScoreColumns()
    columns.labels = [true, false, true, false]
    columns.scores = [0.8, 0.4, 0.4, 0.2]
    let summary = EvaluationSummary(columns, bootstrapResamples: 20, seed: 1)
    #expect(summary.rows == 4 && summary.positives == 2)
    #expect(summary.auc == 3.5 / 4)
    #expect(abs(try #require(summary.pcoc) - 0.9) < 1e-15)
    #expect(summary.logloss != nil && summary.loglossNote == nil)
    let json = try summary.json()
    #expect(json.contains("\"auc\" : 0.875") && json.contains("\"undefined_resamples\""))

    columns.scores = [2, -1, 0.5, 0.1]
    let logits = EvaluationSummary(columns)
    #expect(logits.logloss == nil && logits.pcoc == nil && logits.loglossNote != nil)
    #expect(try logits.json().contains("\"pcoc\" : null"))
  }
}

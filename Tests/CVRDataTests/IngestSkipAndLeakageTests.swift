// Bad rows are skipped only when asked, and then counted and reported; a
// feature that copies a label is refused.
import CVRData
import Foundation
import Testing

@Suite struct IngestSkipAndLeakageTests {
  static let schema = """
    columns:
      - {name: id, role: sparse, vocab: 100}
      - {name: hist, role: sequence, separator: "|", max_length: 2, vocab: 100}
      - {name: cats, role: sequence, separator: "|", max_length: 2, vocab: 100, align_with: hist}
      - {name: x, role: dense}
      - {name: click, role: click}
    """

  @Test func skippedRowsAreCountedAndTheFirstTenKept() throws {
    var csv = "id,hist,cats,x,click\n1,1|2,3|4,0.5,1\n"
    // 12 bad rows whose early columns decode before the failing one: their values must be undone.
    for k in 0..<12 { csv += "\(k + 2),5|6|7,8|9|10,0.25,\(k % 2 == 0 ? "7" : "x")\n" }
    csv += "50,8,9,1.5,0\n51,1|2,3,2,0\n"
    let result = try IngestFixture.load(csv, schema: Self.schema, options: .init(skipBadRows: true, useCache: false))
    #expect(result.report.rows == 2)
    #expect(result.report.skippedRows == 13)
    #expect(result.report.firstSkipped.count == 10)
    #expect(result.report.firstSkipped.first?.line == 3)
    #expect(result.report.firstSkipped.first?.column == "click")
    #expect(result.report.firstSkipped.first?.reason.contains("label must be 0 or 1, got '7'") == true)
    let store = result.store
    #expect(store.ids["id"]?.array == [1, 50])
    #expect(store.lists["hist"]?.array == [1, 2, 8, -1])
    #expect(store.lengths["cats"]?.array == [2, 1])
    #expect(store.dense["x"]?.array == [0.5, 1.5])
    #expect(store.labels["click"]?.array == [1, 0])
    // The same file without skipBadRows stops at the first bad row.
    IngestFixture.expectError(csv, schema: Self.schema, line: 3, column: "click", reason: "label must be 0 or 1")
  }

  @Test func alignedSequencesMustHaveEqualLengths() {
    IngestFixture.expectError("id,hist,cats,x,click\n1,1|2,3|4,0.5,1\n2,1|2|3,3|4,0.5,1\n", schema: Self.schema, line: 3,
                              column: "cats", reason: "2 ids, but aligned sequence 'hist' has 3")
  }

  @Test func multiRefusesMoreThanMaxValues() {
    let schema = "columns:\n  - {name: tags, role: multi, separator: ';', max_values: 2, vocab: 9}\n"
    IngestFixture.expectError("tags\n1;2\n1;2;3\n", schema: schema, line: 3, column: "tags", reason: "3 values, more than max_values 2")
    IngestFixture.expectError("tags\n1;\n", schema: schema, line: 2, column: "tags", reason: "empty id")
    IngestFixture.expectError("tags\n1;12\n", schema: schema, line: 2, column: "tags", reason: "id 12 out of range for vocab 9")
  }

  @Test(arguments: ["dense", "sparse"])
  func aFeatureEqualToALabelIsRefused(_ role: String) {
    let schema = """
      columns:
        - {name: id, role: sparse, vocab: 100}
        - {name: leak, role: \(role)\(role == "sparse" ? ", vocab: 2" : "")}
        - {name: click, role: click}
        - {name: buy, role: conversion}
      """
    var csv = "id,leak,click,buy\n"
    for k in 0..<12 { csv += "\(k),\(k % 3 == 0 ? 1 : 0),1,\(k % 3 == 0 ? 1 : 0)\n" }
    do {
      _ = try IngestFixture.load(csv, schema: schema)
      Issue.record("leakage must be refused")
    } catch let error as DataError {
      #expect(error.column == "leak")
      #expect(error.reason.contains("'leak' equals label 'buy'"), "\(error)")
    } catch {
      Issue.record("unexpected \(error)")
    }
    // One differing row is enough to accept the feature.
    csv += "12,1,1,0\n"
    #expect(throws: Never.self) { try IngestFixture.load(csv, schema: schema) }
  }
}

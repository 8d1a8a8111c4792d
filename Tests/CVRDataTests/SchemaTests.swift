// The schema file: YAML and JSON parse to the same schema, and each broken rule
// is reported with the column it concerns.
import CVRData
import Testing

@Suite struct SchemaTests {
  static let yaml = """
    delimiter: ","
    columns:
      - {name: user_id, role: sparse, hash_buckets: 1000, dim: 8, group: user}
      - {name: item_id, role: sparse, vocab: 500, dim: 32, table: item, group: item}
      - {name: price, role: dense, normalize: log, group: item}
      - {name: tags, role: multi, separator: "|", max_values: 4, pooling: mean, hash_buckets: 100, dim: 8}
      - {name: hist_items, role: sequence, separator: "|", max_length: 5, keep: last, vocab: 500, table: item}
      - {name: hist_cats, role: sequence, separator: "|", max_length: 5, keep: last, vocab: 50, align_with: hist_items}
      - {name: click, role: click}
      - {name: buy, role: conversion}
      - {name: day, role: day}
      - {name: occasion, role: occasion}
      - {name: true_cvr, role: truth, truth: cvr}
    """

  @Test func yamlAndJSONAgree() throws {
    let schema = try DataSchema.parse(Self.yaml)
    #expect(schema.columns.count == 11)
    #expect(schema.column("hist_items")?.maxLength == 5)
    #expect(schema.column("hist_items")?.tableName == "item")
    #expect(schema.column("true_cvr")?.truth == .cvr)
    #expect(schema.columns(.sparse).map(\.name) == ["user_id", "item_id"])
    let again = try DataSchema.parse(try schema.yaml())
    #expect(again == schema)
    #expect(again.fingerprint == schema.fingerprint)
    let json = #"{"columns": [{"name": "a", "role": "sparse", "vocab": 3}, {"name": "y", "role": "click"}]}"#
    #expect(try DataSchema.parse(json).columns.count == 2)
  }

  @Test(arguments: [
    ("- {name: a, role: sparse}", "exactly one of vocab and hash_buckets"),
    ("- {name: a, role: sparse, vocab: 3}\n  - {name: a, role: dense}", "appears twice"),
    ("- {name: a, role: multi, vocab: 3, separator: '|'}", "max_values"),
    ("- {name: a, role: sequence, vocab: 3, separator: '|', max_length: 2, align_with: b}", "align_with 'b'"),
    ("- {name: t, role: truth}", "truth: ctr, cvr"),
    ("- {name: a, role: sparse, vocab: 3, table: x}\n  - {name: b, role: sparse, vocab: 4, table: x}", "shares table 'x'"),
  ])
  func brokenRulesAreNamed(_ columns: String, _ expected: String) {
    do {
      _ = try DataSchema.parse("columns:\n  \(columns)\n", file: "s.yaml")
      Issue.record("schema should have been refused: \(columns)")
    } catch let error as SchemaError {
      #expect(error.file == "s.yaml")
      #expect(error.problem.contains(expected), "\(error)")
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }
}

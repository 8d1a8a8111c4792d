// Schema mistakes are reported on their line in plain words: wrong types,
// unknown keys, keys that do not apply to a role, sizes that would trap.
import CVRData
import Foundation
import Testing

@Suite struct SchemaErrorTests {
  static func problem(_ text: String) -> SchemaError? {
    do {
      _ = try DataSchema.parse(text, file: "schema.yaml")
      return nil
    } catch let error as SchemaError {
      return error
    } catch {
      Issue.record("not a SchemaError: \(error)")
      return nil
    }
  }

  @Test(arguments: [
    // (schema text, line, exact description)
    ("columns:\n  - {name: a, role: sparse, vocab: lots}\n", 2,
     "schema.yaml:2: field 'vocab' of column 'a': expected a whole number, got 'lots'"),
    ("columns:\n  - {name: a, role: sparse, vocab: 3}\n  - {name: b, role: sprase, vocab: 3}\n", 3,
     "schema.yaml:3: field 'role' of column 'b': 'sprase' is not one of sparse, dense, multi, sequence, click, conversion, action, delay, day, occasion, truth, ignore"),
    ("header: maybe\ncolumns:\n  - {name: a, role: click}\n", 1,
     "schema.yaml:1: field 'header': expected true or false, got 'maybe'"),
    ("columns:\n  - {role: click}\n", 2, "schema.yaml:2: field 'name' of column 1 is missing"),
    ("delimter: ','\ncolumns:\n  - {name: a, role: click}\n", 1,
     "schema.yaml:1: unknown schema key 'delimter' (known: delimiter, header, columns, calendar, occasions, allow_leakage, unclicked_conversions)"),
    ("columns:\n  - {name: a, role: sparse, hash_bucket: 10}\n", 2,
     "schema.yaml:2: unknown key of column 'a' 'hash_bucket' (known: name, role, vocab, dim, table, group, normalize, separator, pooling, keep, truth, hash_buckets, max_values, max_length, align_with)"),
    ("columns:\n  - {name: a, role: click}\n  - {name: p, role: dense, vocab: 10}\n", 3,
     "schema.yaml:3: column 'p': 'vocab' does not apply to a dense column (only to sparse, multi, sequence)"),
    ("columns:\n  - {name: a, role: sparse, vocab: 3000000000, dim: 4}\n", 2,
     "schema.yaml:2: column 'a': vocab 3000000000 is above the largest table, 2147483647 rows (ids are 32-bit)"),
    ("columns:\n  - {name: s, role: sequence, vocab: 3, separator: '|', max_length: 5000000000}\n", 2,
     "schema.yaml:2: column 's': max_length 5000000000 is above 100000"),
    ("columns:\n  - {name: a, role: click, name: b}\n", 2, "schema.yaml:2: field 'name' is given twice"),
    ("columns:\n  - {name: a, role: sparse, vocab: 3, dim: 1000000000000000000}\n", 2,
     "schema.yaml:2: column 'a': dim 1000000000000000000 is above 65536"),
    ("", 1, "schema.yaml:1: the schema is empty (it needs at least a 'columns' list)"),
    ("columns: 5\n", 1, "schema.yaml:1: field 'columns': expected a list of columns"),
    ("- a\n- b\n", 1, "schema.yaml:1: the schema must be a mapping of keys (delimiter, header, columns, …)"),
    ("columns: [\n", 2, nil),
  ] as [(String, Int, String?)])
  func mistakesNameTheirLine(_ text: String, _ line: Int, _ expected: String?) throws {
    let error = try #require(Self.problem(text))
    #expect(error.line == line, "\(error)")
    if let expected { #expect(error.description == expected) }
    #expect(!error.description.contains("DecodingError") && !error.description.contains("CodingKeys"), "\(error)")
  }

  @Test func yamlSyntaxErrorsAreShortAndLocated() throws {
    let error = try #require(Self.problem("columns:\n  - {name: a, role: click\n"))
    #expect(error.description.hasPrefix("schema.yaml:"), "\(error)")
    #expect(error.description.contains("not valid YAML"), "\(error)")
    #expect(!error.description.contains("\n"), "one line: \(error)")
  }

  @Test func occasionsMustBeDistinct() throws {
    let error = try #require(Self.problem("occasions: [NP, BP, NP]\ncolumns:\n  - {name: o, role: occasion}\n"))
    #expect(error.description == "schema.yaml: occasions: 'NP' is listed twice")
  }

  @Test func allowLeakageMustNameAFeature() throws {
    let error = try #require(Self.problem("allow_leakage: [nope]\ncolumns:\n  - {name: a, role: click}\n"))
    #expect(error.problem == "allow_leakage names 'nope', which is not a feature column")
  }

  @Test func anUnreadableSchemaNamesThePath() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-schema-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (url, reason) in [(dir.appendingPathComponent("missing.yaml"), "No such file or directory"), (dir, "it is a directory")] {
      do {
        _ = try DataSchema.load(from: url)
        Issue.record("loaded \(url.path)")
      } catch {
        #expect("\(error)" == "cannot read \(url.path): \(reason)")
      }
    }
  }

  @Test func longOrBinaryValuesAreCutAndEscaped() throws {
    let long = String(repeating: "x", count: 10_000)
    let error = try #require(Self.problem("columns:\n  - {name: \"a\\0\\u0007\(long)\", role: dense, vocab: 3}\n"))
    #expect(error.description.count < 300, "\(error.description.count) characters")
    #expect(error.description.contains("'a\\x00\\x07xxx"), "\(error)")
    #expect(error.description.contains("x… (10003 bytes)'"), "\(error)")
  }
}

// One test per bug the fuzzers found, named after it: the input cut down to
// what triggers it, and the error it now gets instead of a trap.
import CVRData
import CVRFuzzEntry
import Foundation
import Testing

@Suite struct FuzzFindingTests {
  /// fuzz-schema: `max_values: 9223372036854775807` passed validation and the
  /// ingester's first buffer size (1024 × width) overflowed: a trap.
  @Test func hugeMaxValuesIsASchemaErrorNotAnOverflowTrap() throws {
    let text = "columns:\n  - {name: b, role: multi, separator: \"|\", max_values: 9223372036854775807, hash_buckets: 2}\n"
    let error = #expect(throws: SchemaError.self) { try DataSchema.parse(text, file: "s.yaml") }
    #expect(error?.description.contains("max_values 9223372036854775807 is above 100000") == true)
  }

  /// The same overflow through a sequence's `max_length`.
  @Test func hugeMaxLengthIsASchemaErrorNotAnOverflowTrap() throws {
    let text = "columns:\n  - {name: s, role: sequence, separator: \"|\", max_length: 4611686018427387904, vocab: 5}\n"
    let error = #expect(throws: SchemaError.self) { try DataSchema.parse(text, file: "s.yaml") }
    #expect(error?.description.contains("max_length 4611686018427387904 is above 100000") == true)
    // The limit itself is accepted: the rule refuses only what is above it.
    let atLimit = "columns:\n  - {name: s, role: sequence, separator: \"|\", max_length: 100000, vocab: 5}\n"
    #expect(try DataSchema.parse(atLimit).columns[0].maxLength == 100_000)
  }
}

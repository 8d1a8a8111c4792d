// Ids outside the table: the specific strict error, and the deterministic hash
// of the hashed policy (in range, never the padding row, in-range ids kept).
import CVRAutograd
import CVRCore
import CVREmbedding
import Testing

/// The documented hash, written out independently: SplitMix64 finaliser of id + γ.
func referenceHash(_ id: Int64, rows: UInt64) -> UInt64 {
  var z = UInt64(bitPattern: id) &+ 0x9E37_79B9_7F4A_7C15
  z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
  z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
  return (z ^ (z >> 31)) % rows
}

@Suite struct IdPolicyTests {
  @Test func strictOutOfRangeIsTheSpecificError() {
    let table = randomTable("item", vocab: 10, dim: 2, paddingId: 0, seed: 30)
    #expect(throws: EmbeddingError.idOutOfRange(table: "item", id: 17, vocab: 10, position: 2)) {
      try table.validate([3, 0, 17, -1] as [Int32])
    }
    #expect(throws: EmbeddingError.idOutOfRange(table: "item", id: -1, vocab: 10, position: 0)) {
      try table.validate([-1] as [Int32])
    }
    #expect(throws: EmbeddingError.idOutOfRange(table: "item", id: 1 << 40, vocab: 10, position: 1)) {
      try table.validate(rawIds: [9, 1 << 40])
    }
    let message = EmbeddingError.idOutOfRange(table: "item", id: 17, vocab: 10, position: 2).description
    #expect(message.contains("\"item\"") && message.contains("id 17") && message.contains("0..<10"), "\(message)")
    // In-range ids and the padding id pass.
    #expect(throws: Never.self) { try table.validate([0, 9, 5] as [Int32]) }
  }

  @Test func strictLookupTrapsOnOutOfRangeId() async {
    await #expect(processExitsWith: .failure) {
      var rng = SeededGenerator(seed: 1)
      let table = EmbeddingTable("item", vocab: 10, dim: 2, rng: &rng)
      _ = table.lookup([3, 10] as [Int32], batch: 1, fields: 2, Tape())
    }
  }

  @Test func hashedIdsAreDeterministicInRangeAndKeepInRangeIds() {
    let table = randomTable("user", vocab: 97, dim: 2, idPolicy: .hashed, seed: 31)
    #expect(throws: Never.self) { try table.validate([-5, 1000] as [Int32]) }
    let raw: [Int64] = [0, 1, 96, 97, -1, Int64.min, Int64.max, 123_456_789_012, -42]
    let rows = raw.map { table.resolve($0) }
    #expect(Array(rows[0..<3]) == [0, 1, 96])
    for (id, row) in zip(raw, rows).dropFirst(3) {
      #expect(row >= 0 && row < 97)
      #expect(UInt64(row) == referenceHash(id, rows: 97), "id \(id)")
    }
    // The same ids through a second table of the same vocab land on the same rows.
    let again = randomTable("other", vocab: 97, dim: 2, idPolicy: .hashed, seed: 32)
    #expect(raw.map { again.resolve($0) } == rows)
    // Lookups of raw ids read exactly those rows.
    let tape = Tape()
    let out = table.lookup(rawIds: raw, batch: 3, fields: 3, tape)
    #expect(out.toArray() == naiveGather(table, rows))
  }

  @Test func hashedIdsSpreadAndAvoidThePaddingRow() {
    let table = randomTable("user", vocab: 8, dim: 1, paddingId: 3, idPolicy: .hashed, seed: 33)
    var seen = Set<Int32>()
    for id in Int64(100)..<Int64(1100) {
      let row = table.resolve(id)
      #expect(row != 3 && row >= 0 && row < 8)
      seen.insert(row)
    }
    #expect(seen.count == 7)  // every non-padding row is reached
    #expect(table.resolve(3) == -1)  // the padding id itself still pads
    #expect(table.resolve(5) == 5)
  }

  @Test func hashedLookupGradientsMergeCollidingIds() {
    let table = randomTable("user", vocab: 5, dim: 3, paddingId: 0, idPolicy: .hashed, seed: 34)
    let raw: [Int64] = [7, 70, 700, -7, 4, 0, 7_000_000_000, 7]
    let result = checkTableGradients(tables: [table]) { tape in
      table.lookup(rawIds: raw, batch: 2, fields: 4, tape)
    }
    #expect(result.passed, "\(result)")
    table.parameter.zeroGrad()
    let tape = Tape()
    tape.backward(tape.sum(table.lookup(rawIds: raw, batch: 2, fields: 4, tape)))
    let distinct = Set(raw.map { table.resolve($0) }.filter { $0 >= 0 })
    #expect(table.parameter.sparseGrad!.count == distinct.count)
  }
}

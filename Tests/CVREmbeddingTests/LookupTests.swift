// Single-valued and sequence lookups: forward values against a naive gather,
// gradients by finite differences, duplicate merging, padding, shared and frozen tables.
import CVRAutograd
import CVRCore
import CVREmbedding
import CVRTestSupport
import Testing

/// Naive reference: row r of `table` for every id, zeros for the padding id.
func naiveGather(_ table: EmbeddingTable, _ ids: [Int32]) -> [Float] {
  let values = table.parameter.values()
  var out: [Float] = []
  for id in ids {
    for j in 0..<table.dim { out.append(id == table.paddingId ? 0 : values[Int(id) * table.dim + j]) }
  }
  return out
}

@Suite struct LookupTests {
  @Test(arguments: [(1, 1, 1), (3, 5, 3), (17, 2, 1), (1, 17, 3), (3, 5, 8)])  // dim 8: the SIMD row path
  func lookupGradientsWithPaddingAndDuplicates(_ dims: (Int, Int, Int)) {
    let (batch, fields, dim) = dims
    let table = randomTable("t", vocab: 7, dim: dim, paddingId: 2, seed: 1)
    // Vocab 7 with up to 85 ids: duplicates are certain beyond a handful, and id 2 pads.
    var ids = randomIds(batch * fields, vocab: 7, seed: UInt64(batch * 100 + fields))
    ids[0] = 2
    let result = checkTableGradients(tables: [table]) { tape in
      table.lookup(ids, batch: batch, fields: fields, tape)
    }
    #expect(result.passed, "\(dims): \(result)")
  }

  @Test func forwardMatchesNaiveGather() {
    let table = randomTable("t", vocab: 17, dim: 3, paddingId: 0, seed: 2)
    let ids = randomIds(3 * 5, vocab: 17, seed: 3) + [0]
    let tape = Tape()
    let out = table.lookup(ids, batch: 4, fields: 4, tape)
    #expect(out.shape == Shape(4, 4, 3))
    #expect(out.toArray() == naiveGather(table, ids))
  }

  @Test func duplicateIdsMergeIntoOneRow() {
    let table = randomTable("t", vocab: 10, dim: 3, paddingId: 9, seed: 4)
    let ids: [Int32] = [4, 1, 4, 9, 4, 1, 7, 9]  // distinct non-padding: 4, 1, 7
    let tape = Tape()
    let out = table.lookup(ids, batch: 2, fields: 4, tape)
    let ones = [Float](repeating: 1, count: out.count)
    ones.withUnsafeBufferPointer { tape.backward(out, gradient: $0.baseAddress!) }
    let grad = table.parameter.sparseGrad!
    #expect(grad.count == 3)
    #expect(Array(UnsafeBufferPointer(start: grad.values(forRow: 4)!, count: 3)) == [3, 3, 3])
    #expect(Array(UnsafeBufferPointer(start: grad.values(forRow: 1)!, count: 3)) == [2, 2, 2])
    #expect(Array(UnsafeBufferPointer(start: grad.values(forRow: 7)!, count: 3)) == [1, 1, 1])
    #expect(grad.values(forRow: 9) == nil)
  }

  @Test func paddingReadsZeroAndIsNeverTouched() {
    let table = randomTable("t", vocab: 5, dim: 4, paddingId: 3, seed: 5)
    #expect(Array(UnsafeBufferPointer(start: table.row(3), count: 4)) == [0, 0, 0, 0])
    // Even if something writes the stored padding row, lookups read zeros.
    table.row(3).update(repeating: 7, count: 4)
    let tape = Tape()
    let out = table.lookup([3, 3, 1], batch: 1, fields: 3, tape)
    #expect(Array(out.toArray()[0..<8]) == [Float](repeating: 0, count: 8))
    #expect(Array(out.toArray()[8..<12]) == Array(UnsafeBufferPointer(start: table.row(1), count: 4)))
    tape.backward(tape.sum(out))
    #expect(table.parameter.sparseGrad!.count == 1)
    #expect(table.parameter.sparseGrad!.values(forRow: 3) == nil)
  }

  @Test func sequenceLookupGradientsAndKeyMask() {
    let table = randomTable("seq", vocab: 11, dim: 3, paddingId: 0, seed: 6)
    // Two sequences of length 5 padded with 0 after their true lengths 3 and 5.
    let ids: [Int32] = [4, 9, 4, 0, 0, 1, 2, 3, 10, 1]
    let result = checkTableGradients(tables: [table]) { tape in
      table.lookupSequence(ids, batch: 2, seqLen: 5, tape)
    }
    #expect(result.passed, "\(result)")
    let tape = Tape()
    #expect(table.lookupSequence(ids, batch: 2, seqLen: 5, tape).shape == Shape(2, 5, 3))
    let mask = table.keyMask(ids, batch: 2, seqLen: 5, tape)
    #expect(mask.shape == Shape(2, 5))
    #expect(!mask.requiresGrad)
    #expect(mask.toArray() == [1, 1, 1, 0, 0, 1, 1, 1, 1, 1])
  }

  @Test func keyMaskWithoutPaddingIsAllOnes() {
    let table = randomTable("seq", vocab: 4, dim: 2, seed: 7)
    let tape = Tape()
    #expect(table.keyMask([0, 1, 2, 3] as [Int32], batch: 2, seqLen: 2, tape).toArray() == [1, 1, 1, 1])
  }

  @Test func sharedTableAccumulatesFromTwoLookups() {
    let table = randomTable("item", vocab: 9, dim: 2, seed: 8)
    let target: [Int32] = [3, 5]
    let history: [Int32] = [3, 1, 5, 5, 8, 3]
    // Gradient of sum(target) + 2·sum(history) through one table.
    let tape = Tape()
    let t = table.lookup(target, batch: 2, fields: 1, tape)
    let h = table.lookupSequence(history, batch: 2, seqLen: 3, tape)
    tape.backward(tape.add(tape.sum(t), tape.scale(tape.sum(h), by: 2)))
    let dense = table.parameter.sparseGrad!.dense()
    var expected = [Float](repeating: 0, count: 18)
    for id in target { expected[Int(id) * 2] += 1; expected[Int(id) * 2 + 1] += 1 }
    for id in history { expected[Int(id) * 2] += 2; expected[Int(id) * 2 + 1] += 2 }
    #expect(dense == expected)
    #expect(table.parameter.sparseGrad!.count == 4)  // rows 3, 5, 1, 8
    // And by finite differences.
    let result = checkTableGradients(tables: [table]) { tape in
      tape.concat([table.lookup(target, batch: 2, fields: 1, tape).reshaped(Shape(2, 2)),
                   table.lookupSequence(history, batch: 2, seqLen: 3, tape).reshaped(Shape(2, 6))])
    }
    #expect(result.passed, "\(result)")
  }

  @Test func frozenTableRecordsNothing() {
    let table = randomTable("t", vocab: 6, dim: 2, paddingId: 0, seed: 9)
    table.requiresGrad = false
    let tape = Tape()
    let out = table.lookup([1, 2, 2] as [Int32], batch: 3, fields: 1, tape)
    let pooled = table.lookupPooled([1, 2, 0, 3] as [Int32], batch: 2, maxValues: 2, tape)
    #expect(!out.requiresGrad && !pooled.requiresGrad)
    #expect(tape.nodeCount == 0)
    #expect(!table.parameter.hasGrad)
    #expect(out.toArray() == naiveGather(table, [1, 2, 2]))
  }

  @Test func inferenceTapeRecordsNothing() {
    let table = randomTable("t", vocab: 6, dim: 2, seed: 10)
    let tape = Tape(recording: false)
    let out = table.lookup([1, 5] as [Int32], batch: 1, fields: 2, tape)
    #expect(!out.requiresGrad)
    #expect(tape.nodeCount == 0)
    #expect(out.toArray() == naiveGather(table, [1, 5]))
  }

  @Test func concatenatedTablesShareRowsAcrossTargetAndSequence() {
    let ids = randomTable("id", vocab: 13, dim: 3, paddingId: 0, seed: 11)
    let category = randomTable("category", vocab: 5, dim: 2, paddingId: 0, seed: 12)
    let brand = randomTable("brand", vocab: 7, dim: 1, paddingId: 0, seed: 13)
    let item = ConcatenatedEmbedding([ids, category, brand])
    #expect(item.dim == 6)
    let targetColumns: [[Int32]] = [[5, 12, 1], [1, 4, 4], [6, 2, 3]]
    let historyColumns: [[Int32]] = [[5, 3, 0, 12, 12, 0], [1, 2, 0, 4, 4, 0], [6, 6, 0, 2, 1, 0]]
    let tape = Tape()
    let target = item.lookup(targetColumns, batch: 3, positions: 1, tape)
    #expect(target.shape == Shape(3, 1, 6))
    // Forward: the three rows side by side per position.
    var expected: [Float] = []
    for p in 0..<3 {
      expected += naiveGather(ids, [targetColumns[0][p]]) + naiveGather(category, [targetColumns[1][p]])
        + naiveGather(brand, [targetColumns[2][p]])
    }
    #expect(target.toArray() == expected)
    #expect(item.keyMask(historyColumns[0], batch: 2, seqLen: 3, tape).toArray() == [1, 1, 0, 1, 1, 0])
    let result = checkTableGradients(tables: [ids, category, brand]) { tape in
      tape.concat([item.lookup(targetColumns, batch: 3, positions: 1, tape).reshaped(Shape(3, 6)),
                   item.lookup(historyColumns, batch: 3, positions: 2, tape).reshaped(Shape(3, 12))])
    }
    #expect(result.passed, "\(result)")
  }

  @Test func seededInitializersAreReproducibleAndInRange() {
    for initializer in [EmbeddingInitializer.uniform(low: -0.5, high: 0.25), .normal(std: 0.01), .xavierUniform, .zeros] {
      var r1 = SeededGenerator(seed: 3), r2 = SeededGenerator(seed: 3)
      let t1 = EmbeddingTable("a", vocab: 50, dim: 14, initializer: initializer, paddingId: 7, rng: &r1)
      let t2 = EmbeddingTable("a", vocab: 50, dim: 14, initializer: initializer, paddingId: 7, rng: &r2)
      #expect(t1.parameter.values() == t2.parameter.values())
      #expect(Array(UnsafeBufferPointer(start: t1.row(7), count: 14)) == [Float](repeating: 0, count: 14))
      let v = t1.parameter.values()
      switch initializer {
      case .uniform: #expect(v.allSatisfy { $0 >= -0.5 && $0 < 0.25 } && v.contains { $0 < -0.25 })
      case .xavierUniform:
        let a = (6 / Float(64)).squareRoot()
        #expect(v.allSatisfy { abs($0) <= a } && v.contains { abs($0) > a / 2 })
      case .normal:
        let std = (v.reduce(0) { $0 + Double($1 * $1) } / Double(v.count - 14)).squareRoot()
        #expect(abs(std - 0.01) < 0.002, "std \(std)")
      case .zeros: #expect(v.allSatisfy { $0 == 0 })
      }
    }
  }
}

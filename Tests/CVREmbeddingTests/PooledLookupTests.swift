// Pooled (multi-valued) lookups: sum and mean over bags with padding ids and
// lengths, against a naive reference and by finite differences.
import CVRAutograd
import CVREmbedding
import Testing

/// Naive pooled reference: per bag, the sum (or mean) of the used rows.
func naivePooled(_ table: EmbeddingTable, _ ids: [Int32], maxValues: Int, lengths: [Int32]?, mean: Bool) -> [Float] {
  let values = table.parameter.values()
  let batch = ids.count / maxValues
  var out = [Float](repeating: 0, count: batch * table.dim)
  for b in 0..<batch {
    let used = lengths.map { Int($0[b]) } ?? maxValues
    var n = 0
    for v in 0..<used where ids[b * maxValues + v] != table.paddingId {
      n += 1
      for j in 0..<table.dim { out[b * table.dim + j] += values[Int(ids[b * maxValues + v]) * table.dim + j] }
    }
    if mean && n > 0 { for j in 0..<table.dim { out[b * table.dim + j] /= Float(n) } }
  }
  return out
}

@Suite struct PooledLookupTests {
  // Bags of 3 values: bag 1 repeats an id, bag 2 is all padding, bag 3 mixes padding.
  let ids: [Int32] = [1, 4, 2, 5, 5, 3, 0, 0, 0, 6, 0, 6]

  @Test(arguments: [Pooling.sum, .mean], [3, 8])  // dim 8: the SIMD row path
  func pooledGradientsWithPaddingAndDuplicates(mode: Pooling, dim: Int) {
    let table = randomTable("tags", vocab: 7, dim: dim, paddingId: 0, seed: 20)
    let result = checkTableGradients(tables: [table]) { tape in
      table.lookupPooled(ids, batch: 4, maxValues: 3, mode: mode, tape)
    }
    #expect(result.passed, "\(mode) dim \(dim): \(result)")
  }

  @Test(arguments: [(1, 1), (3, 17), (17, 3)])
  func pooledGradientsOnOddShapes(_ dims: (Int, Int)) {
    let (batch, maxValues) = dims
    let table = randomTable("tags", vocab: 5, dim: 1, paddingId: 4, seed: 21)
    let bags = randomIds(batch * maxValues, vocab: 5, seed: UInt64(batch + 7 * maxValues))
    for mode in [Pooling.sum, .mean] {
      let result = checkTableGradients(tables: [table]) { tape in
        table.lookupPooled(bags, batch: batch, maxValues: maxValues, mode: mode, tape)
      }
      #expect(result.passed, "\(dims) \(mode): \(result)")
    }
  }

  @Test(arguments: [Pooling.sum, .mean])
  func forwardMatchesNaiveWithAndWithoutLengths(mode: Pooling) {
    let table = randomTable("tags", vocab: 7, dim: 2, paddingId: 0, seed: 22)
    let lengths: [Int32] = [2, 3, 0, 1]
    for l in [nil, lengths] {
      let tape = Tape()
      let out = table.lookupPooled(ids, batch: 4, maxValues: 3, lengths: l, mode: mode, tape)
      #expect(out.shape == Shape(4, 2))
      let expected = naivePooled(table, ids, maxValues: 3, lengths: l, mean: mode == .mean)
      for (x, y) in zip(out.toArray(), expected) { #expect(abs(x - y) <= 1e-6, "\(out.toArray()) vs \(expected)") }
    }
  }

  @Test func lengthsGradientsIgnoreSlotsPastTheLength() {
    let table = randomTable("tags", vocab: 7, dim: 2, seed: 23)  // no padding id: only lengths mark the end
    // Past-length slots hold an out-of-range id: they must never be read.
    let bags: [Int32] = [1, 6, 99, 2, 2, 2, 99, 99, 99]
    let lengths: [Int32] = [2, 3, 0]
    let result = checkTableGradients(tables: [table]) { tape in
      table.lookupPooled(bags, batch: 3, maxValues: 3, lengths: lengths, mode: .mean, tape)
    }
    #expect(result.passed, "\(result)")
    #expect(throws: EmbeddingError.lengthOutOfRange(table: "tags", length: 4, maxValues: 3, bag: 1)) {
      try table.validate(lengths: [1, 4, 0], maxValues: 3)
    }
  }

  @Test func allPaddingBagGivesZerosAndNoGradient() {
    let table = randomTable("tags", vocab: 7, dim: 3, paddingId: 0, seed: 24)
    let tape = Tape()
    let out = table.lookupPooled([0, 0, 3, 0] as [Int32], batch: 2, maxValues: 2, mode: .mean, tape)
    #expect(Array(out.toArray()[0..<3]) == [0, 0, 0])
    #expect(Array(out.toArray()[3..<6]) == Array(UnsafeBufferPointer(start: table.row(3), count: 3)))
    tape.backward(tape.sum(out))
    let grad = table.parameter.sparseGrad!
    #expect(grad.count == 1)
    #expect(grad.values(forRow: 0) == nil)
    #expect(Array(UnsafeBufferPointer(start: grad.values(forRow: 3)!, count: 3)) == [1, 1, 1])
  }

  @Test func meanWeightsDuplicatesByTheirCount() {
    let table = randomTable("tags", vocab: 7, dim: 1, paddingId: 0, seed: 25)
    let tape = Tape()
    // Bag [5, 5, 3, pad]: mean over 3 used values; row 5 gets 2/3, row 3 gets 1/3.
    let out = table.lookupPooled([5, 5, 3, 0] as [Int32], batch: 1, maxValues: 4, mode: .mean, tape)
    tape.backward(tape.sum(out))
    let grad = table.parameter.sparseGrad!
    #expect(abs(grad.values(forRow: 5)![0] - 2 / 3) < 1e-6)
    #expect(abs(grad.values(forRow: 3)![0] - 1 / 3) < 1e-6)
  }
}

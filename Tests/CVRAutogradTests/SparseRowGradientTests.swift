// The sparse-row gradient: duplicates merge, zero() forgets only touched rows,
// growth keeps values, and a sparse parameter refuses a dense gradient.
import CVRAutograd
import Testing

@Suite struct SparseRowGradientTests {
  @Test func duplicateRowsMergeAndZeroResets() {
    let g = SparseRowGradient(rows: 10, width: 2, initialCapacity: 1)
    for (row, v) in [(3, Float(1)), (7, 2), (3, 4), (0, 8)] {
      let acc = g.accumulator(forRow: row)
      acc[0] += v
      acc[1] -= v
    }
    #expect(g.count == 3)
    #expect((0..<g.count).map { g.row(atSlot: $0) } == [3, 7, 0])
    #expect(g.values(forRow: 3)![0] == 5 && g.values(forRow: 3)![1] == -5)
    #expect(g.squaredNorm() == 2 * (25 + 4 + 64))
    var dense = [Float](repeating: 0, count: 20)
    dense[6] = 5; dense[7] = -5; dense[14] = 2; dense[15] = -2; dense[0] = 8; dense[1] = -8
    #expect(g.dense() == dense)
    g.zero()
    #expect(g.count == 0 && g.values(forRow: 3) == nil)
    let again = g.accumulator(forRow: 3)
    #expect(again[0] == 0 && again[1] == 0, "a row touched again after zero() starts from zero")
  }

  @Test func sparseParameterHasNoDenseGradient() {
    let table = Parameter("table", shape: Shape(5, 3), gradientLayout: .sparseRows)
    #expect(table.sparseGrad != nil && !table.hasGrad)
    table.sparseGrad!.accumulator(forRow: 2)[0] = 1
    #expect(table.hasGrad)
    table.zeroGrad()
    #expect(!table.hasGrad)
  }
}

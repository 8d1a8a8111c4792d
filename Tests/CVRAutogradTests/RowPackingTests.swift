// packRows / unpackRows: known answers (kept rows in order, zeros elsewhere) and
// gradient checks on odd sizes, with interior and trailing masked rows.
import CVRAutograd
import CVRTestSupport
import Testing

@Suite struct RowPackingTests {
  /// Row masks: interior and trailing padding (5 rows), one kept row of 1, 17 rows mostly kept.
  static let masks: [[Float]] = [
    [1, 0, 1, 1, 0],
    [1],
    (0..<17).map { $0 % 4 == 1 || $0 > 14 ? 0 : 1 },
  ]

  @Test func packKeepsMaskedRowsInOrderAndUnpackZerosTheRest() {
    let tape = Tape()
    let x = tape.constant((0..<10).map(Float.init), Shape(5, 2))
    let mask = tape.constant(Self.masks[0], Shape(5))
    let packed = tape.packRows(x, mask: mask)
    #expect(packed.shape == Shape(3, 2))
    #expect(packed.toArray() == [0, 1, 4, 5, 6, 7])
    let back = tape.unpackRows(packed, mask: mask)
    #expect(back.toArray() == [0, 1, 0, 0, 4, 5, 6, 7, 0, 0])
  }

  @Test(arguments: 0..<masks.count)
  func packGradients(_ index: Int) {
    let mask = Self.masks[index]
    let x = randomParameter("x", Shape(mask.count, 3), seed: 3)
    let result = checkGradients([x]) { tape in
      tape.packRows(tape.param(x), mask: tape.constant(mask, Shape(mask.count)))
    }
    #expect(result.passed, "\(result)")
  }

  @Test(arguments: 0..<masks.count)
  func unpackGradients(_ index: Int) {
    let mask = Self.masks[index]
    let kept = mask.filter { $0 != 0 }.count
    let p = randomParameter("packed", Shape(kept, 3), seed: 4)
    let result = checkGradients([p]) { tape in
      tape.unpackRows(tape.param(p), mask: tape.constant(mask, Shape(mask.count)))
    }
    #expect(result.passed, "\(result)")
  }
}

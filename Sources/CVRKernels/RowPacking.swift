// Moving the kept rows of a padded [rows, width] block into a dense [kept, width]
// block and back, so products skip padded positions (M1: ~40 % of the sequence).

package enum RowPacking {
  /// Rows whose mask entry is not 0.
  package static func keptCount(mask: UnsafePointer<Float>, rows: Int) -> Int {
    var kept = 0
    for r in 0..<rows where mask[r] != 0 { kept += 1 }
    return kept
  }

  /// packed[j] = x[r_j] (or += with `accumulate`), r_0 < r_1 < … the rows with mask ≠ 0;
  /// each row `width` floats. Shapes: x [rows, width], packed [kept, width].
  package static func gather(
    _ x: UnsafePointer<Float>, mask: UnsafePointer<Float>, rows: Int, width: Int,
    into packed: UnsafeMutablePointer<Float>, accumulate: Bool
  ) {
    var j = 0
    for r in 0..<rows where mask[r] != 0 {
      let source = x + r &* width, target = packed + j &* width
      if accumulate {
        for c in 0..<width { target[c] += source[c] }
      } else {
        target.update(from: source, count: width)
      }
      j &+= 1
    }
  }

  /// out[r_j] = packed[j] (or += with `accumulate`) for the rows with mask ≠ 0; without
  /// `accumulate` the other rows of out are set to 0. Shapes: packed [kept, width], out [rows, width].
  package static func scatter(
    _ packed: UnsafePointer<Float>, mask: UnsafePointer<Float>, rows: Int, width: Int,
    into out: UnsafeMutablePointer<Float>, accumulate: Bool
  ) {
    var j = 0
    for r in 0..<rows {
      let target = out + r &* width
      if mask[r] != 0 {
        let source = packed + j &* width
        if accumulate {
          for c in 0..<width { target[c] += source[c] }
        } else {
          target.update(from: source, count: width)
        }
        j &+= 1
      } else if !accumulate {
        target.update(repeating: 0, count: width)
      }
    }
  }
}

// Which input row each loaded row came from, when bad rows were skipped: the
// ids a score file carries so it joins back to the input, row for row.

/// Input row numbers of the rows a load kept.
public enum InputRowNumbers {
  /// The 0-based data-row number (the n-th record after the header, bad rows
  /// counted, blank lines not) of each of the `kept` loaded rows, given the
  /// ascending numbers of the `skipped` records. With nothing skipped: 0..<kept.
  ///
  /// Why not the loaded row's own index: after the first skipped row that index
  /// is off by the number of rows skipped before it, and a join on it pairs
  /// every later score with the wrong input row.
  public static func of(kept: Int, skipped: [Int]) -> [Int] {
    var numbers: [Int] = []
    numbers.reserveCapacity(kept)
    var record = 0, next = 0
    while numbers.count < kept {
      if next < skipped.count, skipped[next] == record {
        next += 1
      } else {
        numbers.append(record)
      }
      record += 1
    }
    return numbers
  }
}

// The MNAR ratings world in both ratings formats, the files a user of the
// benchmarks brings, plus the truth (propensities, factors) as plain matrices.
import CVRFileIO
import Foundation

/// Where `MNARRatingsWorld.write` put each file.
public struct MNARRatingsFiles: Sendable {
  /// `user,item,rating,propensity` (header line; ids 1-based like the matrix lines and columns).
  public let trainLong: URL
  /// `user,item,rating` (header line): the MCAR test split.
  public let testLong: URL
  /// The dense matrices: one line per user, ratings per item separated by a space, 0 = missing.
  public let trainMatrix: URL
  public let testMatrix: URL
  /// π_ui of every cell, one line per user (6 decimals).
  public let propensityMatrix: URL
  /// p_u per line and q_i per line (6 decimals): usable as feature files.
  public let userFactors: URL
  public let itemFactors: URL
}

extension MNARRatingsWorld {
  /// Writes train.csv, test.csv, train.ascii, test.ascii, propensities.ascii,
  /// user_factors.ascii and item_factors.ascii into `directory` (AtomicFile; same
  /// world, same bytes).
  public func write(to directory: URL) throws -> MNARRatingsFiles {
    let (m, n, k) = (config.users, config.items, config.rank)
    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
    let files = MNARRatingsFiles(
      trainLong: url("train.csv"), testLong: url("test.csv"), trainMatrix: url("train.ascii"),
      testMatrix: url("test.ascii"), propensityMatrix: url("propensities.ascii"),
      userFactors: url("user_factors.ascii"), itemFactors: url("item_factors.ascii"))
    try writeLong(train, to: files.trainLong, withPropensity: true)
    try writeLong(test, to: files.testLong, withPropensity: false)
    try writeMatrix(train, to: files.trainMatrix)
    try writeMatrix(test, to: files.testMatrix)
    try writeReals(propensities, rows: m, width: n, to: files.propensityMatrix)
    try writeReals(userFactors, rows: m, width: k, to: files.userFactors)
    try writeReals(itemFactors, rows: n, width: k, to: files.itemFactors)
    return files
  }

  private func writeLong(_ cells: [(user: Int, item: Int)], to url: URL, withPropensity: Bool) throws {
    try AtomicFile.write(to: url) { sink in
      let out = CSVRowWriter(sink)
      for name in withPropensity ? ["user", "item", "rating", "propensity"] : ["user", "item", "rating"] { out.text(name) }
      try out.endLine()
      for c in cells {
        out.int(c.user + 1)
        out.int(c.item + 1)
        out.int(rating(user: c.user, item: c.item))
        if withPropensity { out.fixed(propensity(user: c.user, item: c.item), decimals: 6) }
        try out.endLine()
      }
      try out.flush()
    }
  }

  private func writeMatrix(_ cells: [(user: Int, item: Int)], to url: URL) throws {
    let n = config.items
    var dense = [Int](repeating: 0, count: config.users * n)
    for c in cells { dense[c.user * n + c.item] = rating(user: c.user, item: c.item) }
    try AtomicFile.write(to: url) { sink in
      let out = CSVRowWriter(sink, delimiter: UInt8(ascii: " "))
      for u in 0..<config.users {
        for i in 0..<n { out.int(dense[u * n + i]) }
        try out.endLine()
      }
      try out.flush()
    }
  }

  private func writeReals(_ values: [Double], rows: Int, width: Int, to url: URL) throws {
    try AtomicFile.write(to: url) { sink in
      let out = CSVRowWriter(sink, delimiter: UInt8(ascii: " "))
      for r in 0..<rows {
        for c in 0..<width { out.fixed(values[r * width + c], decimals: 6) }
        try out.endLine()
      }
      try out.flush()
    }
  }
}

// The dense matrix format: zeros are missing, lines are users, columns items;
// the test file's shape, feature files, and every refusal with its message.
import CVRRatings
import Foundation
import Testing

@Suite struct MatrixRatingsReaderTests {
  @Test func readsNonZeroCellsWithPositionIds() throws {
    let dir = try file("train.ascii", "0 5 0\n1  0\t3 \n\n").deletingLastPathComponent()
    try Data("4 0 0\r\n0 0 2\r\n".utf8).write(to: dir.appendingPathComponent("test.ascii"))
    try Data("1 0\n0 1\n".utf8).write(to: dir.appendingPathComponent("user_features.ascii"))
    try Data("0.5\n-1e2\n3\n".utf8).write(to: dir.appendingPathComponent("item_features.ascii"))
    let data = try RatingsFiles(
      format: .matrix, train: dir.appendingPathComponent("train.ascii"), test: dir.appendingPathComponent("test.ascii"),
      userFeatures: dir.appendingPathComponent("user_features.ascii"),
      itemFeatures: dir.appendingPathComponent("item_features.ascii")
    ).load()
    #expect(data.users.ids == ["1", "2"])
    #expect(data.items.ids == ["1", "2", "3"])
    #expect(data.train.users == [0, 1, 1])
    #expect(data.train.items == [1, 0, 2])
    #expect(data.train.ratings == [5, 1, 3])
    #expect(data.test?.users == [0, 1])
    #expect(data.test?.items == [0, 2])
    #expect(data.test?.ratings == [4, 2])
    #expect(data.userFeatures == FeatureMatrix(rows: 2, width: 2, values: [1, 0, 0, 1]))
    #expect(data.itemFeatures == FeatureMatrix(rows: 3, width: 1, values: [0.5, -100, 3]))
    #expect(data.train.labels() == [1, 0, 0])
  }

  static let malformed: [(String, String)] = [
    ("", ": the file is empty"),
    ("\n \n", ": the file has no values (only empty lines)"),
    ("0 5 x\n", ":1: field 3 (item 3): the rating \"x\" is not a number"),
    ("0 5 1\n0 -2 0\n", ":2: field 2 (item 2): the rating \"-2\" is negative"),
    ("0 5 1\n0 9 0\n", ":2: field 2 (item 2): the rating \"9\" is above the maximum 5"),
    ("0 5 1\n0 1\n", ":2: 2 values, but line 1 has 3 (one value per item on every line)"),
    ("0 5 1\n\n0 1 1\n", ":2: the line is empty (every line is one row; a user with no ratings is a line of zeros)"),
  ]

  @Test(arguments: 0..<malformed.count) func refusesWithItsMessage(_ index: Int) throws {
    let (contents, tail) = Self.malformed[index]
    let url = try file("bad.ascii", contents)
    #expect(ratingsMessage { _ = try MatrixRatingsReader.read(url) } == url.path + tail)
  }

  @Test func testFileMustHaveTheTrainingShape() throws {
    let dir = try file("train.ascii", "0 5 0\n1 0 3\n").deletingLastPathComponent()
    let train = dir.appendingPathComponent("train.ascii")
    let wide = dir.appendingPathComponent("wide.ascii"), short = dir.appendingPathComponent("short.ascii")
    try Data("0 5 0 1\n".utf8).write(to: wide)
    try Data("0 5 0\n".utf8).write(to: short)
    #expect(ratingsMessage { _ = try RatingsFiles(format: .matrix, train: train, test: wide).load() }
      == "\(wide.path):1: 4 values, but the training file has 3 (one value per item on every line)")
    #expect(ratingsMessage { _ = try RatingsFiles(format: .matrix, train: train, test: short).load() }
      == "\(short.path): 1 user lines, but the training file has 2")
  }

  @Test func featureFilesAreChecked() throws {
    let dir = try file("train.ascii", "0 5 0\n1 0 3\n").deletingLastPathComponent()
    let train = dir.appendingPathComponent("train.ascii")
    let users = dir.appendingPathComponent("u.ascii"), items = dir.appendingPathComponent("i.ascii")
    try Data("1 0\n0 1\n1 1\n".utf8).write(to: users)
    #expect(ratingsMessage { _ = try RatingsFiles(format: .matrix, train: train, userFeatures: users).load() }
      == "\(users.path): 3 lines, but the ratings have 2 users")
    try Data("1\ninf\n0\n".utf8).write(to: items)
    #expect(ratingsMessage { _ = try RatingsFiles(format: .matrix, train: train, itemFeatures: items).load() }
      == "\(items.path):2: field 1: the value \"inf\" is not a finite number")
    try Data("1 2\n3\n".utf8).write(to: items)
    #expect(ratingsMessage { _ = try MatrixRatingsReader.readFeatures(items) }
      == "\(items.path):2: 1 values, but line 1 has 2 (one value per feature on every line)")
    let long = dir.appendingPathComponent("r.csv")
    try Data("1,2,3\n".utf8).write(to: long)
    #expect(ratingsMessage { _ = try RatingsFiles(format: .long, train: long, userFeatures: users).load() }
      == "\(users.path): feature files go with the matrix format only (rows are users and items by line)")
  }
}

// The long format: headers (detected, aliased, absent), delimiters, the id
// maps, the propensity column, and every refusal with its exact message.
import CVRRatings
import Foundation
import Testing

@Suite struct LongRatingsReaderTests {
  func read(_ url: URL, _ options: LongRatingsOptions = .init()) throws -> (RatingsRows, RatingsIdMap, RatingsIdMap) {
    var users = RatingsIdMap(), items = RatingsIdMap()
    let rows = try LongRatingsReader.read(url, options: options, users: &users, items: &items)
    return (rows, users, items)
  }

  @Test func csvWithHeaderKeepsTheUsersIds() throws {
    let url = try file("r.csv", "user,item,rating\nu7,song-3,5\n0042,song-1,1\nu7,song-1,3.5\n")
    let (rows, users, items) = try read(url)
    #expect(users.ids == ["u7", "0042"])
    #expect(items.ids == ["song-3", "song-1"])
    #expect(rows.users == [0, 1, 0])
    #expect(rows.items == [0, 1, 1])
    #expect(rows.ratings == [5, 1, 3.5])
    #expect(rows.lines == [2, 3, 4])
    #expect(rows.propensities == nil)
    #expect(users.index(of: "42") == nil)  // "0042" is kept as written
  }

  @Test func tsvWithoutHeaderAndAPropensityColumn() throws {
    let url = try file("r.tsv", "1\t10\t4\t0.25\n2\t10\t2\t0.5\r\n")
    let (rows, users, items) = try read(url)
    #expect(users.ids == ["1", "2"])
    #expect(items.ids == ["10"])
    #expect(rows.ratings == [4, 2])
    #expect(rows.propensities == [0.25, 0.5])
  }

  @Test func byteOrderMarkCRLFAndQuotedIds() throws {
    let url = try file("r.csv", "\u{FEFF}user,item,rating\r\n\"a, b\",\"x\"\"y\",2\r\n")
    let (rows, users, items) = try read(url)
    #expect(users.ids == ["a, b"])
    #expect(items.ids == ["x\"y"])
    #expect(rows.ratings == [2])
  }

  @Test func yahooStyleTabFileWithoutHeader() throws {
    let url = try file("ydata-train.txt", "1\t14\t5\n1\t35\t1\n2\t14\t3\n")
    let (rows, users, items) = try read(url)
    #expect(users.ids == ["1", "2"] && items.ids == ["14", "35"])
    #expect(rows.labels() == [1, 0, 0])
    #expect(rows.labels(PositiveThreshold(minimum: 3)) == [1, 0, 1])
  }

  @Test func headerAliasesAndColumnOrder() throws {
    let url = try file("r.csv", "Rating,Item_ID,extra,User_ID,pscore\n4,a,x,b,0.1\n")
    let (rows, users, items) = try read(url)
    #expect(users.ids == ["b"])
    #expect(items.ids == ["a"])
    #expect(rows.ratings == [4])
    #expect(rows.propensities == [0.1])
  }

  @Test func configuredNamesAndSpaceDelimiter() throws {
    var options = LongRatingsOptions(delimiter: .space, maxRating: 10)
    options.userColumn = "who"
    options.itemColumn = "what"
    options.ratingColumn = "stars"
    let url = try file("r.txt", "who what stars\n1 2 9\n")
    let (rows, _, _) = try read(url, options)
    #expect(rows.ratings == [9])
  }

  @Test func thresholdMakesLabels() throws {
    let url = try file("r.csv", "user,item,rating\n1,1,5\n1,2,4\n1,3,3\n1,4,1\n")
    let (rows, _, _) = try read(url)
    #expect(PositiveThreshold.defaultMinimum == 4)
    #expect(rows.labels() == [1, 1, 0, 0])
    #expect(rows.labels(PositiveThreshold(minimum: 3)) == [1, 1, 1, 0])
  }

  @Test func testSplitMayNameOnlyTrainingIds() throws {
    let dir = try file("train.csv", "user,item,rating\n1,1,5\n2,2,1\n").deletingLastPathComponent()
    try Data("user,item,rating\n2,1,4\n".utf8).write(to: dir.appendingPathComponent("test.csv"))
    let data = try RatingsFiles(format: .long, train: dir.appendingPathComponent("train.csv"),
                                test: dir.appendingPathComponent("test.csv")).load()
    #expect(data.test?.users == [1])
    #expect(data.test?.items == [0])
    let bad = dir.appendingPathComponent("bad.csv")
    try Data("user,item,rating\n3,1,4\n".utf8).write(to: bad)
    let message = ratingsMessage {
      _ = try RatingsFiles(format: .long, train: dir.appendingPathComponent("train.csv"), test: bad).load()
    }
    #expect(message == "\(bad.path):2: field 1 (user): user \"3\" does not occur in the training file")
  }

  /// (file contents, expected message after "path") for every refusal.
  static let malformed: [(String, String)] = [
    ("", ": the file is empty (no ratings)"),
    ("\n\n", ": the file is empty (no ratings)"),
    ("user,item,rating\n", ": the file has a header but no ratings"),
    ("user,item,rating\n1,2,x\n", ":2: field 3 (rating): the rating \"x\" is not a number"),
    ("user,item,rating\n1,2,-1\n", ":2: field 3 (rating): the rating \"-1\" is negative"),
    ("user,item,rating\n1,2,6\n", ":2: field 3 (rating): the rating \"6\" is above the maximum 5"),
    ("user,item,rating\n1,2,nan\n", ":2: field 3 (rating): the rating \"nan\" is not a finite number"),
    ("user,item,rating\n1,2,\n", ":2: field 3 (rating): the rating is empty"),
    ("user,item,rating\n1,2,4\n3,4\n", ":3: expected 3 fields like line 1, found 2"),
    ("1,2,4\n3,4,5,0.5\n", ":2: expected 3 fields like line 1, found 4"),
    ("1,2\n", ":1: expected 3 fields (user, item, rating) or 4 (… propensity), found 2"),
    ("user,item,rating\n,2,4\n", ":2: field 1 (user): the user id is empty"),
    ("user,item,rating\n1,2,4\n1,2,3\n", ":3: user \"1\" rates item \"2\" a second time (first on line 2)"),
    ("user,item,rating,propensity\n1,2,4,0\n", ":2: field 4 (propensity): the propensity \"0\" is outside (0, 1]"),
    ("user,item,rating,propensity\n1,2,4,1.5\n", ":2: field 4 (propensity): the propensity \"1.5\" is outside (0, 1]"),
    ("user,item,rating\n1,\"2,4\n", ":2: field 2: unterminated quote (opened on line 2)"),
    ("user,thing,rating\n1,2,4\n", ":1: the header has no column named \"item\" (it has \"user\", \"thing\", \"rating\")"),
    ("user,item,rating\n1,2,\u{1}\u{7f}" + String(repeating: "9", count: 100) + "\n",
     ":2: field 3 (rating): the rating \"\\x01\\x7F" + String(repeating: "9", count: 78) + "… (102 bytes)\" is not a number"),
  ]

  @Test(arguments: 0..<malformed.count) func refusesWithItsMessage(_ index: Int) throws {
    let (contents, tail) = Self.malformed[index]
    let url = try file("bad.csv", contents)
    #expect(ratingsMessage { _ = try read(url) } == url.path + tail)
  }

  @Test func statedMaximumAndMissingFile() throws {
    let url = try file("r.csv", "user,item,rating\n1,2,7\n")
    #expect(throws: Never.self) { _ = try read(url, LongRatingsOptions(maxRating: 10)) }
    let missing = url.deletingLastPathComponent().appendingPathComponent("none.csv")
    #expect(ratingsMessage { _ = try read(missing) } == "\(missing.path): cannot read the file: No such file or directory")
  }
}

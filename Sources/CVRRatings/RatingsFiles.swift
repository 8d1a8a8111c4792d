// A ratings data set as a user brings it: a training file, a randomised test
// file, optional feature files, in one of the two formats; read together so
// the splits share one id map.
import Foundation

/// The two ratings formats.
public enum RatingsFormat: String, Sendable, CaseIterable, Codable {
  /// `user,item,rating[,propensity]` rows (CSV or TSV).
  case long
  /// One line per user, whitespace-separated ratings per item, 0 = missing.
  case matrix
}

/// The files of one ratings data set.
public struct RatingsFiles: Sendable, Equatable {
  public var format: RatingsFormat
  public var train: URL
  /// The randomised (MCAR) test split, in the same format.
  public var test: URL?
  /// Matrix format only: line r describes user r + 1 / item r + 1.
  public var userFeatures: URL?
  public var itemFeatures: URL?

  public init(format: RatingsFormat, train: URL, test: URL? = nil, userFeatures: URL? = nil, itemFeatures: URL? = nil) {
    self.format = format
    self.train = train
    self.test = test
    self.userFeatures = userFeatures
    self.itemFeatures = itemFeatures
  }

  /// Reads every file. Long format: the test split may only name users and items
  /// of the training file. Matrix format: the test matrix has the training
  /// matrix's shape, feature files one line per user / item.
  ///
  /// - Throws: `RatingsError` (file:line:field and what is wrong).
  public func load(_ options: LongRatingsOptions = .init()) throws -> RatingsDataset {
    switch format {
    case .long:
      if let f = userFeatures ?? itemFeatures {
        throw RatingsError(file: f.path, message: "feature files go with the matrix format only (rows are users and items by line)")
      }
      var users = RatingsIdMap(), items = RatingsIdMap()
      let train = try LongRatingsReader.read(self.train, options: options, users: &users, items: &items)
      let test = try test.map {
        try LongRatingsReader.read($0, options: options, users: &users, items: &items, knownIdsOnly: true)
      }
      return RatingsDataset(train: train, test: test, users: users, items: items)
    case .matrix:
      let train = try MatrixRatingsReader.read(self.train, maxRating: options.maxRating)
      let test = try test.map {
        try MatrixRatingsReader.read($0, maxRating: options.maxRating, shape: (train.users, train.items)).rows
      }
      let userFeatures = try userFeatures.map { try MatrixRatingsReader.readFeatures($0, rows: train.users, what: "users") }
      let itemFeatures = try itemFeatures.map { try MatrixRatingsReader.readFeatures($0, rows: train.items, what: "items") }
      return RatingsDataset(
        train: train.rows, test: test, users: RatingsIdMap((1...max(train.users, 1)).prefix(train.users).map(String.init)),
        items: RatingsIdMap((1...max(train.items, 1)).prefix(train.items).map(String.init)),
        userFeatures: userFeatures, itemFeatures: itemFeatures)
    }
  }
}

// Ratings in memory: (user, item, rating) rows over dense indices, the maps
// back to the user's own ids, optional known propensities, and the threshold
// that turns ratings into the binary labels the estimators and metrics use.

/// The user's ids in first-seen order; a dense index is a position here.
///
/// Ids are kept as the file spells them ("0042" and "42" are different users):
/// nothing is renumbered silently, and `ids[index]` gives the original back.
public struct RatingsIdMap: Sendable, Equatable {
  public private(set) var ids: [String] = []
  private var index: [String: Int32] = [:]

  public init() {}
  /// A map of `ids` in this order (ids must be distinct).
  public init(_ ids: [String]) { for id in ids { _ = intern(id) } }

  public var count: Int { ids.count }
  /// The dense index of `id`, nil when it was never seen.
  public func index(of id: String) -> Int32? { index[id] }

  /// The index of `id`, adding it at the end when new.
  mutating func intern(_ id: String) -> Int32 {
    if let i = index[id] { return i }
    let i = Int32(ids.count)
    ids.append(id)
    index[id] = i
    return i
  }
}

/// The rule that makes a rating a positive: rating ≥ `minimum`.
///
/// Default 4 on a 1–5 scale (4 and 5 stars = "liked"). The literature
/// disagrees: the public code of the DR / MRDR / StableDR family binarises
/// Coat and Yahoo!R3 at ≥ 3 (its shared `binarize(y, thres=3)` utility), so
/// their published tables are reproduced with `PositiveThreshold(minimum: 3)`
/// (`--positive-threshold 3`); other work counts only 4–5 stars as positive.
/// Ratings that are already 0/1 need `minimum: 1`.
public struct PositiveThreshold: Sendable, Equatable, Codable {
  public static let defaultMinimum: Float = 4
  public var minimum: Float
  public init(minimum: Float = PositiveThreshold.defaultMinimum) { self.minimum = minimum }

  /// 1 when `rating ≥ minimum`, else 0.
  @inline(__always)
  public func label(_ rating: Float) -> Float { rating >= minimum ? 1 : 0 }
}

/// Rows of one split. Indices refer to the `RatingsDataset`'s id maps.
public struct RatingsRows: Sendable, Equatable {
  public var users: [Int32] = []
  public var items: [Int32] = []
  public var ratings: [Float] = []
  /// Known observation propensities, one per row, when the file has the column.
  public var propensities: [Float]?
  /// The 1-based line of each row in its file (for messages further on).
  public var lines: [Int32] = []

  public init() {}
  public var count: Int { ratings.count }

  /// Binary labels under `threshold`, one per row.
  public func labels(_ threshold: PositiveThreshold = .init()) -> [Float] { ratings.map(threshold.label) }
}

/// A dense numeric matrix read from a feature file, row-major [rows, width].
public struct FeatureMatrix: Sendable, Equatable {
  public let rows: Int
  public let width: Int
  public let values: [Float]
  public init(rows: Int, width: Int, values: [Float]) {
    precondition(values.count == rows * width, "FeatureMatrix: \(values.count) values for [\(rows), \(width)]")
    self.rows = rows
    self.width = width
    self.values = values
  }
}

/// A training split, an optional randomised test split, the id maps they share
/// and the optional side features (row r describes dense index r).
public struct RatingsDataset: Sendable, Equatable {
  public var train: RatingsRows
  public var test: RatingsRows?
  public var users: RatingsIdMap
  public var items: RatingsIdMap
  public var userFeatures: FeatureMatrix?
  public var itemFeatures: FeatureMatrix?

  public init(train: RatingsRows, test: RatingsRows?, users: RatingsIdMap, items: RatingsIdMap,
              userFeatures: FeatureMatrix? = nil, itemFeatures: FeatureMatrix? = nil) {
    self.train = train
    self.test = test
    self.users = users
    self.items = items
    self.userFeatures = userFeatures
    self.itemFeatures = itemFeatures
  }
}

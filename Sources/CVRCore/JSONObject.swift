// A JSON object that keeps its members in order, so a report written twice
// comes out byte-identical and a file read back keeps the producer's order.

/// The members of a JSON object, in insertion (or file) order, keys unique.
///
/// Lookup is linear: the objects here (configs, reports) have tens of keys.
/// Equality ignores order, as JSON does: two configs with the same keys and
/// values are the same config whichever order a file lists them in.
public struct JSONObject: Sendable, Equatable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
  public typealias Member = (key: String, value: JSONValue)
  public private(set) var members: [Member] = []

  public init() {}

  /// Members in the given order; a repeated key keeps its first place and its last value.
  public init(_ members: some Sequence<(String, JSONValue)>) {
    for (key, value) in members { self[key] = value }
  }

  public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }

  public var keys: [String] { members.map(\.key) }
  public var startIndex: Int { members.startIndex }
  public var endIndex: Int { members.endIndex }
  public subscript(position: Int) -> Member { members[position] }

  /// The value under `key`; setting nil removes the member, setting a new key appends it.
  public subscript(key: String) -> JSONValue? {
    get { members.first { $0.key == key }?.value }
    set {
      let index = members.firstIndex { $0.key == key }
      switch (index, newValue) {
      case let (i?, value?): members[i].value = value
      case let (i?, nil): members.remove(at: i)
      case let (nil, value?): members.append((key, value))
      case (nil, nil): break
      }
    }
  }

  public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
    lhs.count == rhs.count && lhs.members.allSatisfy { rhs[$0.key] == $0.value }
  }
}

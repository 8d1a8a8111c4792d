// A config value of the wrong type, said in a user's words: the key path, what
// it must be and what the file holds (Swift's DecodingError text is for programmers).

/// Turns a decoding failure of a config file (train-metacvr's `ExperimentConfig`,
/// `cvr debias train`'s config) into "key 'a.b': expected …, got …".
package enum ConfigDecodingMessage {
  /// `top` is the parsed YAML document, used to quote the value found at the key.
  package static func describe(_ error: any Error, top: Any?) -> String {
    guard let error = error as? DecodingError else { return "\(error)" }
    switch error {
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      let path = context.codingPath.map(\.stringValue)
      let hint = path == ["seeds"] ? " such as [3] or [1, 2, 3]" : ""
      return "key '\(key(path))': expected \(expected(type))\(hint), got \(quote(value(at: path, in: top)))"
    case .keyNotFound(let missing, let context):
      return "key '\(key(context.codingPath.map(\.stringValue) + [missing.stringValue]))' is missing"
    case .dataCorrupted(let context):
      let path = context.codingPath.map(\.stringValue)
      return "key '\(key(path))': \(quote(value(at: path, in: top))) is not a valid value"
    @unknown default:
      return "the config does not match its format"
    }
  }

  package static func key(_ path: [String]) -> String { path.isEmpty ? "(top level)" : path.joined(separator: ".") }

  static func expected(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type, is Int64.Type, is UInt64.Type, is Int32.Type: "an integer"
    case is Double.Type, is Float.Type: "a number"
    case is Bool.Type: "true or false"
    case is String.Type: "a string"
    default:
      String(describing: type).contains("Sequence") || String(describing: type).hasPrefix("Array")
        ? "a list" : String(describing: type).contains("Mapping") || String(describing: type).hasPrefix("Dictionary")
        ? "a mapping" : "a single value"
    }
  }

  /// The value at `path` in the parsed document, or nil.
  package static func value(at path: [String], in top: Any?) -> Any? {
    var node = top
    for component in path {
      if let mapping = node as? [String: Any] {
        node = mapping[component]
      } else if let list = node as? [Any], let index = Int(component), list.indices.contains(index) {
        node = list[index]
      } else {
        return nil
      }
    }
    return node
  }

  /// A value as the user wrote it, cut to 80 characters.
  package static func quote(_ value: Any?) -> String {
    guard let value else { return "nothing" }
    let text: String
    switch value {
    case is [Any]: text = "a list"
    case is [String: Any]: text = "a mapping"
    default: text = "'\(value)'"
    }
    return text.count > 80 ? String(text.prefix(80)) + "…'" : text
  }
}

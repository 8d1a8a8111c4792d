// Reading schema text with positions: YAML syntax errors, unknown keys and
// values of the wrong type are reported as `file:line: field 'x': …` in plain
// words, never as Swift DecodingError or Yams parser text.
import Foundation
import Yams

/// Turns schema text into a `DataSchema`, locating every mistake on its line.
///
/// Why a second pass over a composed node tree: `YAMLDecoder` reports a coding
/// path but no line, and silently ignores keys the schema does not know (a typo
/// such as `hash_bucket:` would otherwise vanish). The node tree carries line
/// marks; its keys are checked against the known ones first, and a decoding
/// error's coding path is looked up in the same tree to find its line.
enum SchemaReader {
  static let topLevelKeys = DataSchema.CodingKeys.allCases.map(\.rawValue)
  static let columnKeys = ColumnSpec.CodingKeys.allCases.map(\.rawValue)

  static func read(_ text: String, file: String) throws -> (DataSchema, columnLines: [Int]) {
    let root: Node
    do {
      guard let composed = try Yams.compose(yaml: text) else {
        throw SchemaError(file: file, line: 1, problem: "the schema is empty (it needs at least a 'columns' list)")
      }
      root = composed
    } catch let error as SchemaError {
      throw error
    } catch let error as YamlError {
      throw yamlSyntax(error, file: file)
    } catch {
      throw SchemaError(file: file, problem: "not valid YAML")
    }
    var columnLines: [Int] = []
    try checkKeys(root, file: file, columnLines: &columnLines)
    do {
      return (try YAMLDecoder().decode(DataSchema.self, from: text), columnLines)
    } catch let error as DecodingError {
      throw describe(error, root: root, file: file)
    } catch let error as YamlError {
      throw yamlSyntax(error, file: file)
    } catch {
      throw SchemaError(file: file, problem: "not a valid schema")
    }
  }

  /// Unknown and repeated keys, at the top level and in every column.
  private static func checkKeys(_ root: Node, file: String, columnLines: inout [Int]) throws {
    guard let top = root.mapping else {
      throw SchemaError(file: file, line: root.mark?.line, problem: "the schema must be a mapping of keys (delimiter, header, columns, …)")
    }
    try checkMapping(top, known: topLevelKeys, what: "schema key", file: file)
    guard let columns = top.first(where: { $0.key.string == "columns" })?.value else { return }
    guard let list = columns.sequence else {
      throw SchemaError(file: file, line: columns.mark?.line, problem: "field 'columns': expected a list of columns")
    }
    for column in list {
      columnLines.append(column.mark?.line ?? 0)
      guard let fields = column.mapping else {
        throw SchemaError(file: file, line: column.mark?.line,
                          problem: "field 'columns': each column must be a mapping such as {name: x, role: sparse, …}")
      }
      let name = fields.first { $0.key.string == "name" }?.value.string
      try checkMapping(fields, known: columnKeys, what: name.map { "key of column '\($0)'" } ?? "column key", file: file)
    }
  }

  private static func checkMapping(_ mapping: Node.Mapping, known: [String], what: String, file: String) throws {
    var seen = Set<String>()
    for (key, _) in mapping {
      let name = key.string ?? "?"
      guard known.contains(name) else {
        throw SchemaError(file: file, line: key.mark?.line,
                          problem: "unknown \(what) '\(SchemaError.shown(name))' (known: \(known.joined(separator: ", ")))")
      }
      guard seen.insert(name).inserted else {
        throw SchemaError(file: file, line: key.mark?.line, problem: "field '\(name)' is given twice")
      }
    }
  }

  private static func yamlSyntax(_ error: YamlError, file: String) -> SchemaError {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
      return SchemaError(file: file, line: mark.line, problem: "not valid YAML: \(problem)")
    case .reader(let problem, _, _, _):
      return SchemaError(file: file, problem: "not valid YAML text: \(problem)")
    default:
      return SchemaError(file: file, problem: "not valid YAML")
    }
  }

  /// The node at a coding path (mapping keys by name, sequence items by index).
  private static func node(at path: [CodingKey], in root: Node) -> Node? {
    var current: Node? = root
    for key in path {
      guard let here = current else { return nil }
      if let index = key.intValue, let list = here.sequence {
        current = index < list.count ? list[index] : nil
      } else {
        current = here.mapping?.first { $0.key.string == key.stringValue }?.value
      }
    }
    return current
  }

  /// "field 'vocab' of column 'price'" for a coding path.
  private static func fieldName(_ path: [CodingKey], root: Node) -> String {
    guard let last = path.last(where: { $0.intValue == nil }) else { return "the schema" }
    if path.count >= 3, path[0].stringValue == "columns", let index = path[1].intValue {
      let name = node(at: [path[0], path[1]], in: root)?.mapping?.first(where: { $0.key.string == "name" })?.value.string
      return "field '\(last.stringValue)' of column \(name.map { "'\(SchemaError.shown($0))'" } ?? "\(index + 1)")"
    }
    return "field '\(last.stringValue)'"
  }

  /// What a value of `type` looks like, in words.
  private static func expected(_ type: Any.Type, key: String) -> String {
    if let allowed = allowedValues[key] { return "one of \(allowed.joined(separator: ", "))" }
    switch type {
    case is Int.Type: return "a whole number"
    case is Bool.Type: return "true or false"
    case is String.Type: return "text"
    case is [String].Type: return "a list of names"
    case is [ColumnSpec].Type: return "a list of columns"
    default: return "a value of another kind"
    }
  }

  private static let allowedValues: [String: [String]] = [
    "role": ColumnSpec.Role.allCases.map(\.rawValue),
    "group": ColumnSpec.Group.allCases.map(\.rawValue),
    "normalize": ColumnSpec.Normalization.allCases.map(\.rawValue),
    "pooling": ColumnSpec.Pooling.allCases.map(\.rawValue),
    "keep": ColumnSpec.SequenceEnd.allCases.map(\.rawValue),
    "truth": ColumnSpec.Truth.allCases.map(\.rawValue),
    "unclicked_conversions": DataSchema.UnclickedConversions.allCases.map(\.rawValue),
  ]

  private static func describe(_ error: DecodingError, root: Node, file: String) -> SchemaError {
    func at(_ path: [CodingKey]) -> (line: Int?, value: String?) {
      let found = node(at: path, in: root)
      return (found?.mark?.line, found?.scalar.map { SchemaError.shown($0.string) })
    }
    switch error {
    case .typeMismatch(let type, let context):
      let (line, value) = at(context.codingPath)
      let key = context.codingPath.last(where: { $0.intValue == nil })?.stringValue ?? ""
      let got = value.map { "got '\($0)'" } ?? "got a list or mapping"
      return SchemaError(file: file, line: line,
                         problem: "\(fieldName(context.codingPath, root: root)): expected \(expected(type, key: key)), \(got)")
    case .valueNotFound(let type, let context):
      let (line, _) = at(context.codingPath)
      let key = context.codingPath.last(where: { $0.intValue == nil })?.stringValue ?? ""
      return SchemaError(file: file, line: line,
                         problem: "\(fieldName(context.codingPath, root: root)): no value given (expected \(expected(type, key: key)))")
    case .keyNotFound(let key, let context):
      let (line, _) = at(context.codingPath)
      let owner = context.codingPath.count >= 2 && context.codingPath[0].stringValue == "columns"
        ? fieldName(context.codingPath + [key], root: root) : "field '\(key.stringValue)'"
      return SchemaError(file: file, line: line ?? root.mark?.line, problem: "\(owner) is missing")
    case .dataCorrupted(let context):
      let (line, value) = at(context.codingPath)
      let key = context.codingPath.last(where: { $0.intValue == nil })?.stringValue ?? ""
      let allowed = allowedValues[key].map { "not one of \($0.joined(separator: ", "))" } ?? "not a valid value"
      return SchemaError(file: file, line: line,
                         problem: "\(fieldName(context.codingPath, root: root)): '\(value ?? "")' is \(allowed)")
    @unknown default:
      return SchemaError(file: file, problem: "not a valid schema")
    }
  }
}

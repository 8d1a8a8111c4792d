// The schema file: what each column of a user's CSV/TSV means. Written in YAML
// (or JSON, which YAML reads too) with snake_case keys; docs/data.md shows one.
import CVRFileIO
import Foundation
import Yams

/// The roles, formats and embedding settings of every column of a data file.
///
/// Example (YAML):
/// ```yaml
/// delimiter: ","
/// columns:
///   - {name: user_id, role: sparse, hash_buckets: 100000, dim: 8, group: user}
///   - {name: item_id, role: sparse, vocab: 50000, dim: 32, table: item, group: item}
///   - {name: price, role: dense, normalize: log, group: item}
///   - {name: hist_items, role: sequence, separator: "|", max_length: 50, keep: last, table: item}
///   - {name: click, role: click}
///   - {name: buy, role: conversion}
///   - {name: day, role: day}
///   - {name: occasion, role: occasion}
///   - {name: true_cvr, role: truth, truth: cvr}
/// ```
public struct DataSchema: Codable, Equatable, Sendable {
  /// Field separator: "," (CSV) or "\t" (TSV).
  public var delimiter: String
  /// Whether the first line names the columns (checked against `columns`).
  public var header: Bool
  public var columns: [ColumnSpec]
  /// A CSV file of `day,occasion` lines mapping days to occasions, relative to the
  /// schema file; used when no column has the occasion role.
  public var calendar: String?
  /// Occasion names in the order their codes are numbered (nil: order of first appearance).
  public var occasions: [String]?

  public init(delimiter: String = ",", header: Bool = true, columns: [ColumnSpec], calendar: String? = nil,
              occasions: [String]? = nil) {
    self.delimiter = delimiter
    self.header = header
    self.columns = columns
    self.calendar = calendar
    self.occasions = occasions
  }

  enum CodingKeys: String, CodingKey { case delimiter, header, columns, calendar, occasions }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    delimiter = try c.decodeIfPresent(String.self, forKey: .delimiter) ?? ","
    header = try c.decodeIfPresent(Bool.self, forKey: .header) ?? true
    columns = try c.decode([ColumnSpec].self, forKey: .columns)
    calendar = try c.decodeIfPresent(String.self, forKey: .calendar)
    occasions = try c.decodeIfPresent([String].self, forKey: .occasions)
  }

  /// Reads and validates a schema file (YAML or JSON).
  public static func load(from url: URL) throws -> DataSchema {
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw SchemaError(file: url.path, problem: "cannot read: \(error.localizedDescription)")
    }
    return try parse(text, file: url.path)
  }

  /// Parses and validates schema text; `file` names the source in errors.
  public static func parse(_ text: String, file: String = "<schema>") throws -> DataSchema {
    let schema: DataSchema
    do { schema = try YAMLDecoder().decode(DataSchema.self, from: text) } catch {
      throw SchemaError(file: file, problem: "not a valid schema: \(error)")
    }
    try schema.validate(file: file)
    return schema
  }

  /// The schema as YAML text (what `load` reads back).
  public func yaml() throws -> String { try YAMLEncoder().encode(self) }

  /// The column named `name`, if any.
  public func column(_ name: String) -> ColumnSpec? { columns.first { $0.name == name } }

  /// Columns with the given role, in file order.
  public func columns(_ role: ColumnSpec.Role) -> [ColumnSpec] { columns.filter { $0.role == role } }

  /// A stable 64-bit fingerprint of the schema's content (part of the cache key).
  public var fingerprint: UInt64 {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    // Encoding a schema cannot fail (plain strings and numbers); "{}" keeps this total.
    let bytes = [UInt8]((try? encoder.encode(self)) ?? Data("{}".utf8))
    return bytes.withUnsafeBufferPointer { DecimalText.fnv1a($0.baseAddress!, $0.count) }
  }
}

/// A schema that cannot be used, with the file and what is wrong.
public struct SchemaError: Error, Equatable, CustomStringConvertible {
  public let file: String
  public let problem: String
  public init(file: String, problem: String) {
    self.file = file
    self.problem = problem
  }
  public var description: String { "\(file): \(problem)" }
}

extension DataSchema {
  /// The column users are grouped by (GAUC, score files): "user_id" when the
  /// schema has it as a sparse column, else the first sparse column of the user
  /// group, else none.
  public var defaultUserColumn: String? {
    if let named = column("user_id"), named.role == .sparse { return named.name }
    return columns(.sparse).first { $0.group == .user }?.name
  }
}

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
  /// Feature columns exempt from the label-leakage screen (`allow_leakage`),
  /// for a feature the user knows is legitimately that predictive.
  public var allowLeakage: [String]?
  /// What ingestion does with conversion = 1 on a row with click = 0 (default: refuse).
  public var unclickedConversions: UnclickedConversions?

  /// The rule for conversions on unclicked rows, which the click → conversion
  /// funnel says cannot happen (usually a join or labelling bug upstream).
  public enum UnclickedConversions: String, Codable, Sendable, CaseIterable {
    /// Stop ingestion with the count and the first line (the default).
    case refuse
    /// Read such conversions as 0, counted in the ingest report (a warning the user sees).
    case clear
  }

  public init(delimiter: String = ",", header: Bool = true, columns: [ColumnSpec], calendar: String? = nil,
              occasions: [String]? = nil, allowLeakage: [String]? = nil, unclickedConversions: UnclickedConversions? = nil) {
    self.delimiter = delimiter
    self.header = header
    self.columns = columns
    self.calendar = calendar
    self.occasions = occasions
    self.allowLeakage = allowLeakage
    self.unclickedConversions = unclickedConversions
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case delimiter, header, columns, calendar, occasions
    case allowLeakage = "allow_leakage"
    case unclickedConversions = "unclicked_conversions"
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    delimiter = try c.decodeIfPresent(String.self, forKey: .delimiter) ?? ","
    header = try c.decodeIfPresent(Bool.self, forKey: .header) ?? true
    columns = try c.decode([ColumnSpec].self, forKey: .columns)
    calendar = try c.decodeIfPresent(String.self, forKey: .calendar)
    occasions = try c.decodeIfPresent([String].self, forKey: .occasions)
    allowLeakage = try c.decodeIfPresent([String].self, forKey: .allowLeakage)
    unclickedConversions = try c.decodeIfPresent(UnclickedConversions.self, forKey: .unclickedConversions)
  }

  /// Reads and validates a schema file (YAML or JSON); throws `FileIOError`
  /// ("cannot read FILE: reason") when it cannot be read, `SchemaError` otherwise.
  public static func load(from url: URL) throws -> DataSchema {
    let mapped = try MappedFile(url)
    guard let text = String(validating: mapped.bytes, as: UTF8.self) else {
      throw SchemaError(file: url.path, problem: "the schema is not UTF-8 text")
    }
    return try parse(text, file: url.path)
  }

  /// Parses and validates schema text; `file` names the source in errors.
  public static func parse(_ text: String, file: String = "<schema>") throws -> DataSchema {
    let (schema, lines) = try SchemaReader.read(text, file: file)
    try schema.validate(file: file, columnLines: lines)
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

/// A schema that cannot be used, with the file, the line when known, and what is wrong.
public struct SchemaError: Error, Equatable, CustomStringConvertible {
  public let file: String
  /// 1-based line of the schema text at fault; nil when the problem is the whole file.
  public let line: Int?
  public let problem: String
  public init(file: String, line: Int? = nil, problem: String) {
    self.file = file
    self.line = line
    self.problem = problem
  }
  /// "file:line: problem" (no line when unknown).
  public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(problem)" }

  /// A value from the user's text as shown in a message: printable, at most 80 characters.
  static func shown(_ text: String) -> String { ShownText.cut(text, limit: 80) }
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

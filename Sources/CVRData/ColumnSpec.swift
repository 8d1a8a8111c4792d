// One column of the schema: its role and the settings that role needs.
import Foundation

/// What one column of a data file means and how to read it.
public struct ColumnSpec: Codable, Equatable, Sendable {
  /// The meaning of a column.
  public enum Role: String, Codable, Sendable, CaseIterable {
    /// One categorical id per row (an embedding lookup).
    case sparse
    /// One number per row, normalised with statistics of the training split.
    case dense
    /// Several categorical ids per row, split by `separator`, pooled.
    case multi
    /// A behaviour sequence of ids, split by `separator`, cut to `max_length`.
    case sequence
    /// Labels: click (0/1), conversion (0/1), a post-click action such as cart
    /// or favourite (0/1, ESM2), and the conversion delay in hours (ESDF).
    case click, conversion, action, delay
    /// The day of the row: an integer day index or a yyyy-mm-dd date.
    case day
    /// The occasion of the row (any names, e.g. BP/DP/AP/NP).
    case occasion
    /// Ground truth for evaluation only (never a feature): see `truth`.
    case truth
    /// Read and checked for presence, otherwise unused.
    case ignore
  }

  /// Who a feature describes (MetaCVR's user / item / context / interaction blocks).
  public enum Group: String, Codable, Sendable, CaseIterable { case user, item, context, interaction }
  public enum Normalization: String, Codable, Sendable, CaseIterable { case none, log, standard, minmax }
  public enum Pooling: String, Codable, Sendable, CaseIterable { case sum, mean }
  /// Which end of a too-long sequence is kept.
  public enum SequenceEnd: String, Codable, Sendable, CaseIterable { case first, last }
  /// What a truth column holds.
  public enum Truth: String, Codable, Sendable, CaseIterable {
    case ctr, cvr
    /// The conversion the row would have had if clicked (known only in simulations).
    case potentialConversion = "potential_conversion"
  }

  public var name: String
  public var role: Role
  /// sparse / multi / sequence: ids must be integers in 0 ..< vocab ...
  public var vocab: Int?
  /// ... or any text, hashed into 0 ..< hash_buckets (FNV-1a 64 of the bytes).
  public var hashBuckets: Int?
  /// Embedding width for this feature's table.
  public var dim: Int?
  /// Embedding table name; columns naming the same table share it (default: the column name).
  public var table: String?
  public var group: Group?
  /// dense: how the value is normalised (fitted on the training split only).
  public var normalize: Normalization?
  /// multi / sequence: the separator between ids inside the field.
  public var separator: String?
  /// multi: at most this many ids (more is an error unless the row is skipped).
  public var maxValues: Int?
  public var pooling: Pooling?
  /// sequence: at most this many ids are kept, from the `keep` end.
  public var maxLength: Int?
  public var keep: SequenceEnd?
  /// sequence: another sequence column this one lines up with, position by position
  /// (item, category and brand of the same behaviours); lengths must match per row.
  public var alignWith: String?
  /// truth: what the column holds.
  public var truth: Truth?

  public init(_ name: String, role: Role) {
    self.name = name
    self.role = role
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, role, vocab, dim, table, group, normalize, separator, pooling, keep, truth
    case hashBuckets = "hash_buckets"
    case maxValues = "max_values"
    case maxLength = "max_length"
    case alignWith = "align_with"
  }

  /// The embedding table this column reads.
  public var tableName: String { table ?? name }

  /// Whether the column is a model input (everything but labels, day, occasion, truth, ignore).
  public var isFeature: Bool { [.sparse, .dense, .multi, .sequence].contains(role) }

  /// Rows of this column's table: `vocab` or `hash_buckets`.
  public var tableRows: Int? { vocab ?? hashBuckets }
}

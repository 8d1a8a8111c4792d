// Ali-CCP (Ma et al. 2018, ESMM): the fields the common processed CSV keeps,
// its layout, and the schema preset that reads it.
import CVRData

/// The Alibaba Click and Conversion Prediction dataset.
///
/// Raw files (one pair per split, `_train` and `_test`):
/// - `sample_skeleton`: `sample_id,click,conversion,common_feature_index,feature_count,feature_list`;
/// - `common_features`: `common_feature_index,feature_count,feature_list`;
///
/// where `feature_list` is entries joined by byte 0x01 and each entry is
/// `field_id 0x02 feature_id 0x03 value`.
///
/// The processed CSV (`AliCCP.convert`) follows the DCMT / ESCM² preprocessing:
/// the 18 single-valued fields in `fields` (as columns named by their field id,
/// holding the raw global feature id) then `click` and `purchase` (0/1). The
/// multi-valued fields (109_14, 110_14, 127_14, 150_14, 210) and every other
/// field are dropped; an entry's `value` (1.0 for single-valued fields) is
/// dropped. A field absent from a row is written as `missingID` ("0": raw
/// feature ids are positive, so it never collides with a real id).
public enum AliCCP {
  /// The kept single-valued fields, in the processed CSV's column order.
  public static let fields = [
    "101", "121", "122", "124", "125", "126", "127", "128", "129",
    "205", "206", "207", "216", "508", "509", "702", "853", "301",
  ]

  /// The value written for a field a row does not have.
  public static let missingID = "0"

  /// The processed CSV's click and conversion column names.
  public static let clickColumn = "click"
  public static let conversionColumn = "purchase"

  /// The processed CSV's header line (no newline).
  public static var header: String { (fields + [clickColumn, conversionColumn]).joined(separator: ",") }

  /// Who each field describes (Ali-CCP README): 1xx user, 2xx item, 5xx–8xx
  /// user–item combinations, 301 the scenario.
  public static func group(ofField field: String) -> ColumnSpec.Group {
    switch field.first {
    case "1": return .user
    case "2": return .item
    case "3": return .context
    default: return .interaction
    }
  }

  /// The schema of the processed CSV: the 18 fields as sparse columns hashed
  /// into `hashBuckets` rows with embeddings of width `dim`, `click` (click
  /// label) and `purchase` (conversion label).
  ///
  /// - Parameter sharedTable: nil gives each field its own table; a name puts
  ///   all 18 into one table of `hashBuckets` rows (the lineage's single
  ///   737,946-row table with embedding size 5).
  public static func processedSchema(hashBuckets: Int, dim: Int, sharedTable: String? = nil) -> DataSchema {
    var columns = fields.map { field -> ColumnSpec in
      var spec = ColumnSpec(field, role: .sparse)
      spec.hashBuckets = hashBuckets
      spec.dim = dim
      spec.table = sharedTable
      spec.group = group(ofField: field)
      return spec
    }
    columns.append(ColumnSpec(clickColumn, role: .click))
    columns.append(ColumnSpec(conversionColumn, role: .conversion))
    return DataSchema(delimiter: ",", header: true, columns: columns)
  }

  /// Rows of the one table all 18 fields hash into in the DCMT / ESCM² lineage (737,946).
  public static let lineageBuckets = 737_946

  /// The processed CSV as the EGEAN-family experiments read it: every field hashed
  /// into the lineage's one shared table of `lineageBuckets` rows with embedding
  /// size 5 (EGEAN §3.0.3: "the embedding size is set to 5 for the Ali-CCP dataset").
  public static var lineageSchema: DataSchema {
    processedSchema(hashBuckets: lineageBuckets, dim: 5, sharedTable: "features")
  }

  /// The slot (0 ..< 18) of a kept field, from its id bytes; −1 for any other
  /// field. Every kept id is three digits, so a 1000-entry table decides it.
  static func slot(ofField bytes: UnsafeRawBufferPointer) -> Int {
    guard bytes.count == 3 else { return -1 }
    var code = 0
    for byte in bytes {
      guard byte >= 0x30 && byte <= 0x39 else { return -1 }
      code = code * 10 + Int(byte - 0x30)
    }
    return Int(slotByCode[code])
  }

  private static let slotByCode: [Int8] = {
    var table = [Int8](repeating: -1, count: 1000)
    for (slot, field) in fields.enumerated() { table[Int(field)!] = Int8(slot) }
    return table
  }()
}

/// A malformed raw Ali-CCP line: the file, the 1-based line, the raw column
/// (`sample_id`, `feature_list`, ...) and what is wrong.
public struct AliCCPError: Error, Equatable, CustomStringConvertible {
  public let file: String
  public let line: Int
  public let column: String
  public let reason: String

  public init(file: String, line: Int, column: String, reason: String) {
    self.file = file
    self.line = line
    self.column = column
    self.reason = reason
  }

  public var description: String { "\(file):\(line):\(column): \(reason)" }
}

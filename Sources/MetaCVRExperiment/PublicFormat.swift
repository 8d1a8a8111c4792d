// The public data sets an experiment reads without a schema file (train-egean's
// --format): each format's processed CSV layout and the schema preset for it.
import CVRData
import CVRIngest

/// A processed public CSV layout (`cvr data convert` writes them).
package enum PublicFormat: String, CaseIterable, Sendable {
  /// Ali-CCP (`AliCCP.processedSchema`): 18 single-valued fields, `click`, `purchase`.
  case aliCCP = "ali-ccp"
  /// AliExpress (`AliExpress.schema`): 16 categorical and 63 numerical columns, `click`, `conversion`.
  case aliExpress = "aliexpress"

  /// Rows of the one table all Ali-CCP fields hash into: the DCMT / ESCM²
  /// lineage's 737,946-row table (AliCCP.processedSchema's doc comment).
  package static let aliCCPBuckets = 737_946
  /// Rows per AliExpress categorical column (hashed).
  package static let aliExpressBuckets = 100_000

  /// The schema preset. Embedding width: EGEAN §3.0.3 uses 5 on Ali-CCP and 8
  /// on its other data set (Meituan), so AliExpress takes 8.
  package var schema: DataSchema {
    switch self {
    case .aliCCP: AliCCP.processedSchema(hashBuckets: Self.aliCCPBuckets, dim: 5, sharedTable: "features")
    case .aliExpress: AliExpress.schema(hashBuckets: Self.aliExpressBuckets, dim: 8)
    }
  }
}

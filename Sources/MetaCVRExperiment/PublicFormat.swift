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

  /// Rows per AliExpress categorical column (hashed).
  package static let aliExpressBuckets = 100_000

  /// The schema preset: Ali-CCP's is `AliCCP.lineageSchema` (one shared table,
  /// embedding size 5); AliExpress takes 8, EGEAN §3.0.3's size off Ali-CCP.
  package var schema: DataSchema {
    switch self {
    case .aliCCP: AliCCP.lineageSchema
    case .aliExpress: AliExpress.schema(hashBuckets: Self.aliExpressBuckets, dim: 8)
    }
  }
}

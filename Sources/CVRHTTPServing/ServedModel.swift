// One loaded version of a served model: the bundle, what it reads and
// predicts, and where it came from (checkpoint path, checksum, load time).
// Immutable once built; a reload builds a new one and swaps the pointer.
import CVRData
import CVRIngest
import CVRFileIO
import CVRModels
import CVRServing
import Foundation

/// The outputs a model answers, by their names on the wire.
extension PredictionHead {
  /// "pcvr", "pctr", "pctcvr".
  public var outputName: String { "p" + rawValue }
}

/// A model version the server scores with. Only read after `init`, so any number
/// of workers may score it at once (each with its own batch and tape); the
/// XGBoost booster alone is called under `boosterLock`.
public final class ServedModel: @unchecked Sendable {
  public let name: String
  public let bundle: LoadedModel
  public let checkpoint: String
  /// CRC-32 of the checkpoint (or XGBoost model) file, 8 hex digits.
  public let checksum: String
  /// 1 for the first load, +1 per reload.
  public let version: Int
  public let loadSeconds: Double
  /// The heads the model fills, `.cvr` first.
  public let heads: [PredictionHead]
  /// The request's columns: the schema's input columns (FieldRowsDecoder's).
  public let inputs: [ColumnSpec]
  let inputSchema: DataSchema
  let boosterLock = NSLock()

  /// Loads and verifies `checkpoint` (ModelBundle: checksums, shapes, kind).
  public init(name: String, checkpoint: String, version: Int) throws {
    let start = DispatchTime.now().uptimeNanoseconds
    let url = URL(fileURLWithPath: checkpoint)
    bundle = try ModelBundle.load(from: url)
    let file = try MappedFile(url)
    checksum = String(format: "%08x", CRC32.checksum(file.bytes))
    self.name = name
    self.checkpoint = checkpoint
    self.version = version
    if let model = bundle.model {
      heads = [.cvr] + [.ctr, .ctcvr].filter(model.heads.contains)
    } else {
      heads = [.cvr]
    }
    inputSchema = FieldRowsDecoder(inputsOf: bundle.schema, expectedRows: 1).schema
    inputs = inputSchema.columns
    if case .xgboost(let predictor) = bundle.predictor, predictor.features.includeOccasion,
      !inputs.contains(where: { $0.role == .occasion })
    {
      // Its occasions came from a calendar by day (or unnamed codes): a request cannot carry them,
      // and scoring without would silently read occasion 0 for every row.
      throw ServeError(
        status: 422, "\(checkpoint): this XGBoost model reads the occasion, which its schema takes from a calendar "
          + "(or without fixed names); serving needs an occasion column with the names fixed by 'occasions:'")
    }
    loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  public var kind: String { bundle.kind }
  public var displayName: String { bundle.displayName }
}

// The record of one finished model of one seed, written beside its checkpoint
// once the checkpoint is complete: what a resumed run needs to reuse the model
// without retraining it (its curves, its timings, the checkpoint's checksum).
import CVRCore
import CVRFileIO
import CVRTraining
import Foundation

/// `checkpoints/NAME-seedS.run.json`. Written (atomically) after the model's
/// checkpoint, so its presence means the checkpoint was complete; the CRC-32
/// of the checkpoint's bytes ties the two together (an edited or replaced
/// checkpoint is not reused).
package struct RunRecord: Codable, Equatable {
  package var model: String
  package var seed: UInt64
  /// The checkpoint's file name in the same directory and the CRC-32 of its bytes.
  package var checkpoint: String
  package var checkpointCRC32: UInt32
  /// Nil for XGBoost.
  package var training: TrainingResult?
  /// Wall seconds to build, train and score the model (timings.json only).
  package var seconds: Double
  /// Rows early stopping scored (nil for XGBoost).
  package var holdoutRows: Int?

  enum CodingKeys: String, CodingKey {
    case model, seed, checkpoint, checkpointCRC32 = "checkpoint_crc32", training, seconds, holdoutRows = "holdout_rows"
  }

  package static func url(directory: URL, model: String, seed: UInt64) -> URL {
    directory.appendingPathComponent("\(ModelCatalog.fileStem(model))-seed\(seed).run.json")
  }

  /// The CRC-32 of the whole file at `url`.
  package static func checksum(of url: URL) throws -> UInt32 {
    let file = try MappedFile(url)
    return CRC32.checksum(file.bytes)
  }

  package func write(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    try AtomicFile.write(try encoder.encode(self), to: url)
  }

  /// The record at `url` when it exists, reads, belongs to `model`/`seed` and
  /// its checkpoint's bytes still have the recorded checksum; otherwise why not
  /// (nil reason and nil record: there is no record).
  package static func reusable(at url: URL, model: String, seed: UInt64) -> (record: RunRecord?, problem: String?) {
    guard FileManager.default.fileExists(atPath: url.path) else { return (nil, nil) }
    guard let data = try? Data(contentsOf: url), let record = try? JSONDecoder().decode(RunRecord.self, from: data),
      record.model == model, record.seed == seed
    else { return (nil, "\(url.lastPathComponent) cannot be read") }
    let checkpoint = url.deletingLastPathComponent().appendingPathComponent(record.checkpoint)
    guard let crc = try? checksum(of: checkpoint) else { return (nil, "\(record.checkpoint) is missing or unreadable") }
    guard crc == record.checkpointCRC32 else {
      return (nil, "\(record.checkpoint) changed since it was written (CRC32 differs from \(url.lastPathComponent))")
    }
    return (record, nil)
  }
}

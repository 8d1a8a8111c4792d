// A trained XGBoost booster: train on a dense row-major matrix, predict
// probabilities, and save/load through XGBoost's JSON model format.
import CVRData
import CVRFileIO
import Foundation

/// A gradient-boosted tree model trained by libxgboost. Inputs are dense
/// row-major Float matrices [rows × cols]; NaN marks a missing value.
/// Not thread-safe: use one model from one task at a time.
public final class XGBoostModel {
  let booster: XGBBooster
  /// Feature count the model was trained with (stored in the model file too).
  public let featureCount: Int

  private init(booster: XGBBooster, featureCount: Int) {
    self.booster = booster
    self.featureCount = featureCount
  }

  /// Trains `parameters.rounds` boosting rounds on features [rows × cols] (row-major)
  /// and labels [rows] in {0, 1}.
  /// - Throws: `XGBoostError.shapeMismatch` when features.count ≠ rows·cols or
  ///   labels.count ≠ rows (thrown, not a precondition, so callers reading files
  ///   can report it); `XGBoostError.library` for any rejected parameter or
  ///   data, carrying XGBoost's message (which names the parameter).
  public static func train(
    features: [Float], labels: [Float], rows: Int, cols: Int, parameters: XGBoostParameters = .init()
  ) throws -> XGBoostModel {
    try checkShape(features.count, rows: rows, cols: cols)
    guard labels.count == rows else {
      throw XGBoostError.shapeMismatch("labels.count \(labels.count) ≠ rows \(rows)")
    }
    let matrix = try features.withUnsafeBufferPointer { buffer in
      try XGBMatrix(features: buffer, rows: rows, cols: cols)
    }
    try labels.withUnsafeBufferPointer { buffer in try matrix.setLabels(buffer) }
    let booster = try XGBBooster(cache: matrix)
    for (name, value) in parameters.xgboostPairs { try booster.setParam(name, value) }
    for round in 0..<parameters.rounds { try booster.updateOneIter(round, matrix) }
    return XGBoostModel(booster: booster, featureCount: cols)
  }

  /// P(y = 1 | x) for each of `rows` rows of features [rows × cols] (row-major).
  /// - Throws: `shapeMismatch` for a wrong count or a column count other than the
  ///   training one; `library` when XGBoost rejects the matrix.
  public func predict(features: [Float], rows: Int, cols: Int) throws -> [Float] {
    try Self.checkShape(features.count, rows: rows, cols: cols)
    if featureCount != cols {
      throw XGBoostError.shapeMismatch("cols \(cols) ≠ the \(featureCount) features the model was trained on")
    }
    let matrix = try features.withUnsafeBufferPointer { buffer in
      try XGBMatrix(features: buffer, rows: rows, cols: cols)
    }
    return try booster.predict(matrix)
  }

  /// Writes the model in XGBoost's JSON model format (readable by any XGBoost,
  /// e.g. Python's `Booster.load_model`). The bytes come from
  /// XGBoosterSaveModelToBuffer and reach `url` through `CVRFileIO.AtomicFile`
  /// (temporary beside the target, fsync, rename), so `url` is never half-written.
  /// Returns the digest of the bytes written: XGBoost's format has no room for a
  /// checksum, so the caller keeps it (ModelBundle's sidecar) and hands it to `load`.
  @discardableResult
  public func save(to url: URL) throws -> XGBoostModelDigest {
    let bytes = try booster.saveToBuffer()
    try AtomicFile.write(Data(bytes), to: url)
    return XGBoostModelDigest(bytes)
  }

  /// Reads a model file written by `save` (or by XGBoost itself in JSON, UBJSON
  /// or the legacy binary format). With `expected`, bytes that differ from the
  /// digest `save` returned (an edited or truncated file) are refused before
  /// XGBoost parses them.
  /// - Throws: `XGBoostError.modelFile` naming the file when it cannot be read,
  ///   does not match `expected`, or XGBoost cannot parse it (with XGBoost's message).
  public static func load(from url: URL, expected: XGBoostModelDigest? = nil) throws -> XGBoostModel {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      let reason = FileManager.default.fileExists(atPath: url.path) ? "cannot be read" : "no such file"
      throw XGBoostError.modelFile(file: url.path, problem: "\(reason) (an XGBoost model file was expected)")
    }
    if let expected {
      let found = XGBoostModelDigest(data)
      guard found == expected else {
        throw XGBoostError.modelFile(
          file: url.path, problem: "the model file was changed or damaged: \(found.bytes) bytes with CRC32 "
            + "\(found.hex), but \(expected.bytes) bytes with CRC32 \(expected.hex) were written (retrain the model)")
      }
    }
    do {
      let booster = try XGBBooster(cache: nil)
      try data.withUnsafeBytes { bytes in try booster.loadFromBuffer(bytes) }
      return XGBoostModel(booster: booster, featureCount: try booster.featureCount())
    } catch XGBoostError.library(_, let message) {
      let first = message.split(separator: "\n").first.map(String.init) ?? message
      throw XGBoostError.modelFile(
        file: url.path, problem: "not an XGBoost model XGBoost can read: \(first.count > 160 ? String(first.prefix(157)) + "..." : first)")
    }
  }

  private static func checkShape(_ count: Int, rows: Int, cols: Int) throws {
    guard rows >= 0, cols > 0, count == rows * cols else {
      throw XGBoostError.shapeMismatch("features.count \(count) ≠ rows \(rows) × cols \(cols)")
    }
  }
}

/// The size and CRC-32 of a model file's bytes, kept beside it (the format has no checksum of its own).
public struct XGBoostModelDigest: Codable, Equatable, Sendable {
  public var bytes: Int
  public var crc32: UInt32

  public init(bytes: Int, crc32: UInt32) {
    self.bytes = bytes
    self.crc32 = crc32
  }

  public init(_ data: some Collection<UInt8>) {
    bytes = data.count
    crc32 = CRC32.checksum(data)
  }

  var hex: String {
    let digits = String(crc32, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
  }
}

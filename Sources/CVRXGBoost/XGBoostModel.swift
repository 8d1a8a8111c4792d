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
  public func save(to url: URL) throws {
    let bytes = try booster.saveToBuffer()
    try AtomicFile.write(Data(bytes), to: url)
  }

  /// Reads a model file written by `save` (or by XGBoost itself in JSON, UBJSON
  /// or the legacy binary format).
  /// - Throws: Foundation's error when the file cannot be read; `XGBoostError.library`
  ///   when XGBoost cannot parse it.
  public static func load(from url: URL) throws -> XGBoostModel {
    let data = try Data(contentsOf: url)
    let booster = try XGBBooster(cache: nil)
    try data.withUnsafeBytes { bytes in try booster.loadFromBuffer(bytes) }
    return XGBoostModel(booster: booster, featureCount: try booster.featureCount())
  }

  private static func checkShape(_ count: Int, rows: Int, cols: Int) throws {
    guard rows >= 0, cols > 0, count == rows * cols else {
      throw XGBoostError.shapeMismatch("features.count \(count) ≠ rows \(rows) × cols \(cols)")
    }
  }
}

// The XGBoost baseline on splits: builds the feature recipe on the training
// rows, trains libxgboost on clicked rows, predicts and saves model + recipe.
import CVRData
import CVRFileIO
import Foundation

/// A trained XGBoost baseline: the booster and the recipe of its input columns.
public final class XGBoostPredictor {
  public let model: XGBoostModel
  public let features: XGBoostFeatures

  public init(model: XGBoostModel, features: XGBoostFeatures) {
    self.model = model
    self.features = features
  }

  /// P(conversion | click, x) for each of `rows`.
  public func scores(assembler: BatchAssembler, rows: [Int32]) throws -> [Float] {
    guard !rows.isEmpty else { return [] }
    return try model.predict(features: features.matrix(assembler: assembler, rows: rows), rows: rows.count,
                             cols: features.count)
  }
}

/// Trains the XGBoost baseline (paper settings by default: `XGBoostParameters()`).
public struct XGBoostRunner: Sendable {
  public var parameters: XGBoostParameters
  /// Add the smoothed per-id conversion rates (see `XGBoostFeatures`; off by default).
  public var targetEncode: Bool
  /// Give the trees the occasion code as a column (`XGBoostFeatures.includeOccasion`; off:
  /// exactly the networks' features, MetaCVR §3.1.2).
  public var includeOccasion: Bool

  public init(parameters: XGBoostParameters = .init(), targetEncode: Bool = false, includeOccasion: Bool = false) {
    self.parameters = parameters
    self.targetEncode = targetEncode
    self.includeOccasion = includeOccasion
  }

  /// Trains on `rows` (clicked rows) against their conversion labels.
  public func train(assembler: BatchAssembler, rows: [Int32]) throws -> XGBoostPredictor {
    guard !rows.isEmpty else { throw XGBoostError.data("XGBoost: no training rows") }
    let features = try XGBoostFeatures(assembler: assembler, trainRows: rows, targetEncode: targetEncode,
                                          includeOccasion: includeOccasion)
    let labels = try assembler.store.conversionLabels(rows: rows).map { $0 ? Float(1) : 0 }
    let model = try XGBoostModel.train(
      features: features.trainingMatrix(assembler: assembler), labels: labels, rows: rows.count,
      cols: features.count, parameters: parameters)
    return XGBoostPredictor(model: model, features: features)
  }
}

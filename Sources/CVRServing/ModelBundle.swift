// A trained model on disk with everything needed to score new rows: the
// weights, the architecture, the schema and the dense normaliser. Networks go
// into one checkpoint; XGBoost into its model file plus a JSON sidecar.
import CVRCheckpoint
import CVRCore
import CVRData
import CVRFileIO
import CVRModels
import CVRXGBoost
import Foundation

/// A loaded model, ready to score rows of data described by `schema`.
public struct LoadedModel {
  public enum Predictor {
    case network(any CVRModel)
    case xgboost(XGBoostPredictor)
  }

  public let kind: String
  public let displayName: String
  public let schema: DataSchema
  public let normalizer: DenseNormalizer
  public let predictor: Predictor

  /// The network model (nil for XGBoost).
  public var model: (any CVRModel)? {
    if case .network(let model) = predictor { return model }
    return nil
  }

  /// P(conversion | click, x) of each of `rows` of `assembler`'s store.
  public func scores(assembler: BatchAssembler, rows: [Int32], batchSize: Int = 1024) throws -> [Float] {
    switch predictor {
    case .network(let model): return Scoring.scores(model, assembler: assembler, rows: rows, batchSize: batchSize)
    case .xgboost(let predictor): return try predictor.scores(assembler: assembler, rows: rows)
    }
  }
}

/// Why a bundle cannot be loaded (beyond checkpoint and XGBoost errors).
public struct ModelBundleError: Error, Equatable, CustomStringConvertible {
  public let file: String
  public let problem: String
  public var description: String { "\(file): \(problem)" }
}

public enum ModelBundle {
  /// The JSON sidecar of an XGBoost model file: "<file>.json".
  public static func sidecar(of url: URL) -> URL { url.appendingPathExtension("json") }

  /// Atomically writes `model` as a checkpoint: kind = model.kind, config =
  /// {"model": model.configuration, "normalizer": …, "display_name": …},
  /// schema = the data schema.
  public static func save(
    _ model: any CVRModel, displayName: String, schema: DataSchema, normalizer: DenseNormalizer, seed: UInt64,
    step: Int = 0, metrics: [String: Double] = [:], to url: URL
  ) throws {
    let config = JSONValue.object([
      "model": model.configuration, "normalizer": try JSONValue(encoding: normalizer),
      "display_name": .string(displayName),
    ])
    try Checkpoint.save(to: url, kind: model.kind, config: config, schema: try JSONValue(encoding: schema),
                        seed: seed, step: step, metrics: metrics.filter { $0.value.isFinite },
                        parameters: model.parameters)
  }

  /// Writes the booster to `url` and its recipe, schema and normaliser to `sidecar(of: url)`, both atomically.
  public static func save(
    _ predictor: XGBoostPredictor, displayName: String, schema: DataSchema, normalizer: DenseNormalizer, to url: URL
  ) throws {
    let digest = try predictor.model.save(to: url)
    let sidecar = XGBoostSidecar(kind: "XGBoost", displayName: displayName, features: predictor.features,
                                 schema: schema, normalizer: normalizer, model: digest)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try AtomicFile.write(try encoder.encode(sidecar), to: Self.sidecar(of: url))
  }

  /// Loads a checkpoint written by `save` (through `ModelKinds`), or an
  /// XGBoost model file with its sidecar.
  public static func load(from url: URL) throws -> LoadedModel {
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw ModelBundleError(file: url.path, problem: "no such file")
    }
    if try isCheckpoint(url) { return try loadCheckpoint(url) }
    let sidecarURL = Self.sidecar(of: url)
    guard FileManager.default.fileExists(atPath: sidecarURL.path) else {
      throw ModelBundleError(
        file: url.path, problem: "neither a checkpoint nor an XGBoost model with its sidecar \(sidecarURL.lastPathComponent)")
    }
    let sidecar: XGBoostSidecar
    do { sidecar = try JSONDecoder().decode(XGBoostSidecar.self, from: Data(contentsOf: sidecarURL)) } catch {
      throw ModelBundleError(file: sidecarURL.path, problem: "not an XGBoost sidecar: \(error)")
    }
    guard let digest = sidecar.model else {
      throw ModelBundleError(
        file: sidecarURL.path, problem: "records no checksum of \(url.lastPathComponent) (written before model files "
          + "carried one), so an edited model cannot be told apart: retrain it")
    }
    let model = try XGBoostModel.load(from: url, expected: digest)
    guard model.featureCount == sidecar.features.count else {
      throw ModelBundleError(
        file: url.path, problem: "the model reads \(model.featureCount) features, its sidecar describes \(sidecar.features.count)")
    }
    return LoadedModel(kind: sidecar.kind, displayName: sidecar.displayName, schema: sidecar.schema,
                       normalizer: sidecar.normalizer,
                       predictor: .xgboost(XGBoostPredictor(model: model, features: sidecar.features)))
  }

  private static func isCheckpoint(_ url: URL) throws -> Bool {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    let magic = try handle.read(upToCount: 8) ?? Data()
    return magic == Data("CVRCKPT\0".utf8)
  }

  private static func loadCheckpoint(_ url: URL) throws -> LoadedModel {
    let header = try Checkpoint.readHeader(from: url)
    guard case .object(let config) = header.config, let modelConfig = config["model"],
      let normalizerJSON = config["normalizer"]
    else {
      throw ModelBundleError(file: url.path, problem: "the checkpoint's config lacks \"model\" and \"normalizer\" (not written by ModelBundle.save)")
    }
    let schema = try header.schema.decode(DataSchema.self)
    let normalizer = try normalizerJSON.decode(DenseNormalizer.self)
    var displayName = header.kind
    if case .string(let name)? = config["display_name"] { displayName = name }
    let model = try ModelKinds.restore(kind: header.kind, configuration: modelConfig, schema: schema)
    try Checkpoint.load(from: url, into: model.parameters, expecting: header.kind, config: header.config)
    return LoadedModel(kind: header.kind, displayName: displayName, schema: schema, normalizer: normalizer,
                       predictor: .network(model))
  }
}

/// The JSON next to an XGBoost model file.
struct XGBoostSidecar: Codable {
  var kind: String
  var displayName: String
  var features: XGBoostFeatures
  var schema: DataSchema
  var normalizer: DenseNormalizer
  /// Size and CRC-32 of the model file (nil in sidecars written before checksums: refused).
  var model: XGBoostModelDigest?
}

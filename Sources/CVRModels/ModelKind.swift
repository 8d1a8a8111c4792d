// One entry of the model table: how a kind of model is built fresh from its
// preset sizes and a user's options, and rebuilt from a checkpoint.
import CVRCore
import CVRData

/// Default model sizes.
public enum ModelPreset: String, Codable, Sendable {
  /// The papers' sizes (MetaCVR §3.1.3: 8 heads of 128, with workload M1's MLP widths).
  case paper
  /// Narrower networks for the small simulated worlds (`FRNConfig.demo`).
  case demo
}

/// What building a fresh model receives.
public struct ModelBuildRequest {
  /// The name being built, for error messages ("BASE", "DCN", …).
  public var name: String
  public var plan: FeaturePlan
  /// The configuration keys to lay over the preset's defaults (an empty object: none).
  public var options: JSONValue
  public var preset: ModelPreset
  /// Initialisation seed (same seed, same values).
  public var seed: UInt64

  public init(name: String, plan: FeaturePlan, options: JSONValue = .object([:]), preset: ModelPreset = .paper,
              seed: UInt64) {
    self.name = name
    self.plan = plan
    self.options = options
    self.preset = preset
    self.seed = seed
  }

  /// `defaults` with `options` merged over it key by key (nested objects merge
  /// too), so a config file names only what it changes.
  ///
  /// A key the configuration does not have (a typo such as `towr`) is an error, not
  /// ignored: the decoded configuration is encoded again and every key of `options`
  /// must be in it (nested objects too), so optional keys a user sets still count.
  ///
  /// - Throws: `ModelError.config` naming `model_options.<name>` and the decoding
  ///   problem or the unknown key with the known ones.
  public func configuration<Config: Codable>(_ type: Config.Type, defaults: Config) throws -> Config {
    let config: Config, decoded: JSONValue
    do {
      config = try JSONValue(encoding: defaults).merging(options).decode(type)
      decoded = try JSONValue(encoding: config)
    } catch {
      throw ModelError.config("model_options.\(name): \(error)")
    }
    try Self.checkKnownKeys(options, in: decoded, path: "model_options.\(name)")
    return config
  }

  /// Throws for the first key of `options` (an object) that `known` lacks.
  private static func checkKnownKeys(_ options: JSONValue, in known: JSONValue, path: String) throws {
    guard case .object(let given) = options, case .object(let have) = known else { return }
    for (key, value) in given {
      guard let inner = have[key] else {
        throw ModelError.config("\(path): unknown key '\(key)' (known: \(have.keys.joined(separator: ", ")))")
      }
      try checkKnownKeys(value, in: inner, path: "\(path).\(key)")
    }
  }
}

/// A kind of model: the string in its checkpoints and the two ways to make one.
public struct ModelKind: Sendable {
  /// The checkpoint kind, `CVRModel.kind` ("LR", "BASE", "DCN", …).
  public let kind: String
  /// A fresh model for a plan (nil for kinds built from another trained model, as MetaCVR).
  public let build: (@Sendable (ModelBuildRequest) throws -> any CVRModel)?
  /// The architecture a checkpoint's configuration describes, for `schema` (values come from the checkpoint).
  public let restore: @Sendable (JSONValue, DataSchema) throws -> any CVRModel
  /// A model of this kind built on a trained model of another phase (nil: none), e.g.
  /// EGEAN on its trained exposure pre-training model (kind "EGEAN-exposure"): the
  /// experiment catalog's entries with an `after` call it with that trained model.
  public private(set) var pretrained: (@Sendable (ModelBuildRequest, any CVRModel) throws -> any CVRModel)?

  public init(kind: String, build: (@Sendable (ModelBuildRequest) throws -> any CVRModel)?,
              restore: @escaping @Sendable (JSONValue, DataSchema) throws -> any CVRModel) {
    self.kind = kind
    self.build = build
    self.restore = restore
  }

  /// This kind with `pretrained` set: how to build one on a trained model of
  /// another kind (the preset's defaults and the request's options are the
  /// builder's to merge, as `network` does; `configuration(_:defaults:)` helps).
  public func building(
    onPretrained make: @escaping @Sendable (ModelBuildRequest, any CVRModel) throws -> any CVRModel
  ) -> ModelKind {
    var copy = self
    copy.pretrained = make
    return copy
  }

  /// `building(onPretrained:)` for a network built on a trained `Base` from a
  /// `Codable` configuration: the preset's defaults with the request's options laid
  /// over them (as `network`), then `make(base, config, seed)`. A trained model of
  /// another type is a `ModelError.config` naming both.
  public func building<Base: CVRModel, Config: Codable & Sendable>(
    onPretrained base: Base.Type, paper: Config, demo: Config,
    make: @escaping @Sendable (Base, Config, UInt64) throws -> any CVRModel
  ) -> ModelKind {
    building(onPretrained: { request, trained in
      guard let typed = trained as? Base else {
        throw ModelError.config("\(request.name) is built on a trained \(Base.self), not on a model of kind \(trained.kind)")
      }
      return try make(typed, request.configuration(Config.self, defaults: request.preset == .demo ? demo : paper), request.seed)
    })
  }

  /// A network built from a `Codable` configuration: the preset's defaults with
  /// the request's options laid over them, then `make(plan, config, seed)`.
  public static func network<Config: Codable & Sendable>(
    kind: String, paper: Config, demo: Config,
    make: @escaping @Sendable (FeaturePlan, Config, UInt64) throws -> any CVRModel
  ) -> ModelKind {
    ModelKind(
      kind: kind,
      build: { request in
        try make(request.plan, request.configuration(Config.self, defaults: request.preset == .demo ? demo : paper),
                 request.seed)
      },
      restore: { configuration, schema in
        try make(FeaturePlan(schema: schema), configuration.decode(Config.self), 0)
      })
  }
}

// The settings of one `cvr debias train` run as a YAML file: one key per flag,
// read from --config (relative paths against the file's directory), overridden
// by the flags given, and written back resolved as DIR/config.yaml.
import CVRCommandLine
import CVRConfigFile
import CVRCore
import CVREstimators
import CVRRatings
import Foundation

/// Every flag of `cvr debias train` as a config key (snake case of the flag:
/// `--clip-floor` is `clip_floor`). Defaults are the flags' defaults.
struct DebiasTrainConfig: Equatable, Sendable {
  var train: String?
  var test: String?
  var format: String?
  var positiveThreshold: Float = PositiveThreshold.defaultMinimum
  var estimators = DebiasRatingsEstimator.allCases.map(\.rawValue).joined(separator: ",")
  var propensity = DebiasPropensitySource.file.rawValue
  var mcar: String?
  var clipFloor = PropensityClip.standard.floor
  var seeds: [UInt64] = [1, 2, 3]
  var out: String?
  var epochs = 30
  var dim = 8
  /// PVDR's λ rule text (`PVDRLambdaRule` grammar).
  var pvdrLambda = "0.5"
  /// η of StableDR's imputation penalty and η_p of its propensity step (the cycle).
  var stabledrPenalty = 1.0
  var stabledrPropensityPenalty = 128.0
  var userFeatures: String?
  var itemFeatures: String?
  var quiet = false

  /// The keys, in the order config.yaml writes them.
  enum Key: String, CaseIterable {
    case train, test, format, positiveThreshold = "positive_threshold", estimators, propensity, mcar
    case clipFloor = "clip_floor", seeds, out, epochs, dim, pvdrLambda = "pvdr_lambda"
    case stabledrPenalty = "stabledr_penalty", stabledrPropensityPenalty = "stabledr_propensity_penalty"
    case userFeatures = "user_features", itemFeatures = "item_features", quiet

    /// The flag the key stands for.
    var flag: String { "--" + rawValue.replacingOccurrences(of: "_", with: "-") }
  }

  /// The keys whose values are paths (resolved against the config file's directory).
  static let pathKeys: [Key] = [.train, .test, .mcar, .out, .userFeatures, .itemFeatures]

  /// Reads a config file: unknown keys and values of the wrong type are errors naming
  /// the file and the key; relative paths are read from the file's directory.
  /// Returns the config (defaults where the file is silent) and the keys the file set.
  static func load(from url: URL) throws -> (config: DebiasTrainConfig, keys: Set<Key>) {
    let file = url.path
    let top = try ConfigFile.mapping(try ConfigFile.text(of: url), file: file)
    if let bad = ConfigFile.unknownKey(in: top, known: Key.allCases.map(\.rawValue), file: file) { throw bad }
    var c = DebiasTrainConfig()
    guard let top else { return (c, []) }
    let reader = Reader(top: top, file: file)
    let directory = url.deletingLastPathComponent()
    func path(_ k: Key) throws -> String? {
      try reader.string(k).map { ConfigFile.resolve($0, against: directory) }
    }
    c.train = try path(.train)
    c.test = try path(.test)
    c.mcar = try path(.mcar)
    c.out = try path(.out)
    c.userFeatures = try path(.userFeatures)
    c.itemFeatures = try path(.itemFeatures)
    c.format = try reader.string(.format) ?? c.format
    c.positiveThreshold = try reader.number(.positiveThreshold).map(Float.init) ?? c.positiveThreshold
    c.estimators = try reader.list(.estimators) ?? c.estimators
    c.propensity = try reader.string(.propensity) ?? c.propensity
    c.clipFloor = try reader.number(.clipFloor) ?? c.clipFloor
    if let seeds = try reader.list(.seeds) {
      do { c.seeds = try SeedList.parse(seeds) } catch {
        throw ConfigFileError("\(file): key 'seeds': \("\(error)".replacingOccurrences(of: "--seeds ", with: ""))")
      }
    }
    c.epochs = try reader.integer(.epochs) ?? c.epochs
    c.dim = try reader.integer(.dim) ?? c.dim
    c.pvdrLambda = try reader.scalarText(.pvdrLambda) ?? c.pvdrLambda
    c.stabledrPenalty = try reader.number(.stabledrPenalty) ?? c.stabledrPenalty
    c.stabledrPropensityPenalty = try reader.number(.stabledrPropensityPenalty) ?? c.stabledrPropensityPenalty
    c.quiet = try reader.bool(.quiet) ?? c.quiet
    return (c, Set(Key.allCases.filter { reader.value($0) != nil }))
  }

  /// Typed reads of the parsed mapping, each error "FILE: key 'k': expected …, got …".
  struct Reader {
    let top: [String: Any]
    let file: String

    func wrong(_ k: Key, _ expected: String) -> ConfigFileError {
      ConfigFileError("\(file): key '\(k.rawValue)': expected \(expected), got \(ConfigDecodingMessage.quote(top[k.rawValue]))")
    }

    /// nil when absent or null.
    func value(_ k: Key) -> Any? {
      guard let v = top[k.rawValue], !(v is NSNull) else { return nil }
      return v
    }

    /// The value as a T (String, Int or Bool as Yams reads them), nil when absent.
    func typed<T>(_ k: Key, _ expected: String) throws -> T? {
      guard let v = value(k) else { return nil }
      guard let t = v as? T else { throw wrong(k, expected) }
      return t
    }

    func string(_ k: Key) throws -> String? { try typed(k, "a string") }
    func integer(_ k: Key) throws -> Int? { try typed(k, "an integer") }
    func bool(_ k: Key) throws -> Bool? { try typed(k, "true or false") }

    func number(_ k: Key) throws -> Double? {
      guard let v = value(k) else { return nil }
      if let d = v as? Double { return d }
      if let i = v as? Int { return Double(i) }
      throw wrong(k, "a number")
    }

    /// A number or a string, as text (PVDR's λ: `0.5` or `inverse:0.05`).
    func scalarText(_ k: Key) throws -> String? {
      guard let v = value(k) else { return nil }
      if let s = v as? String { return s }
      if let d = v as? Double { return "\(d)" }
      if let i = v as? Int { return "\(i)" }
      throw wrong(k, "a number or a string")
    }

    /// A list (`[naive, ips]`, `[1, 2]`) or the flag's comma text, as the flag's text.
    func list(_ k: Key) throws -> String? {
      guard let v = value(k) else { return nil }
      if let s = v as? String { return s }
      if let i = v as? Int { return "\(i)" }
      guard let items = v as? [Any] else { throw wrong(k, "a list or a comma-separated string") }
      return try items.map { item -> String in
        if let s = item as? String { return s }
        if let i = item as? Int { return "\(i)" }
        throw wrong(k, "a list of names or integers")
      }.joined(separator: ",")
    }
  }

  /// config.yaml: every key with its effective value (absent optional paths as null),
  /// strings quoted, so `--config DIR/config.yaml` repeats the run.
  var yaml: String {
    var y = "# cvr debias train: the run's settings (defaults filled in); `cvr debias train --config` reads it back\n"
    for k in Key.allCases {
      let text: String = switch k {
      case .train: Self.quoted(train)
      case .test: Self.quoted(test)
      case .format: Self.quoted(format)
      case .positiveThreshold: "\(Double(positiveThreshold))"
      case .estimators: "[" + estimators.split(separator: ",").map { Self.quoted(String($0)) }.joined(separator: ", ") + "]"
      case .propensity: Self.quoted(propensity)
      case .mcar: Self.quoted(mcar)
      case .clipFloor: "\(clipFloor)"
      case .seeds: "[\(seeds.map(String.init).joined(separator: ", "))]"
      case .out: Self.quoted(out)
      case .epochs: "\(epochs)"
      case .dim: "\(dim)"
      case .pvdrLambda: Self.quoted(pvdrLambda)
      case .stabledrPenalty: "\(stabledrPenalty)"
      case .stabledrPropensityPenalty: "\(stabledrPropensityPenalty)"
      case .userFeatures: Self.quoted(userFeatures)
      case .itemFeatures: Self.quoted(itemFeatures)
      case .quiet: "\(quiet)"
      }
      y += "\(k.rawValue): \(text)\n"
    }
    return YAMLNumbers.portable(y)
  }

  /// A YAML double-quoted string, or null: JSON's string syntax (`JSONValue`'s
  /// renderer), which YAML's double-quoted scalars read the same.
  static func quoted(_ s: String?) -> String {
    s.map { String(JSONValue.string($0).rendered().dropLast()) } ?? "null"  // rendered() ends with a newline
  }
}

// `cvr debias train --config`: a config file run equals the same flags' run
// (metrics.json byte for byte), flags given win over the file, relative paths are
// read from the file's directory, config.yaml reads back, and unknown keys, wrong
// types and bad values name the file and the key (exit 64, nothing written).
import CVRSimulation
import CVRTestSupport
import Foundation
import Testing

@Suite(.serialized) struct DebiasTrainConfigTests {
  /// The MNAR fixture in DIR/data, a config directory DIR/conf beside it.
  static func fixture() throws -> (dir: URL, files: MNARRatingsFiles, conf: URL) {
    let dir = try scratchDirectory()
    let data = dir.appendingPathComponent("data"), conf = dir.appendingPathComponent("conf")
    for d in [data, conf] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
    let files = try MNARRatingsWorld(seed: 11).write(to: data)
    return (dir, files, conf)
  }

  static func write(_ text: String, to url: URL) throws { try Data(text.utf8).write(to: url) }

  static func yamlConfig(extra: String = "") -> String {
    """
    train: ../data/train.csv
    test: ../data/test.csv
    format: long
    estimators: [naive, dr-jl]
    seeds: [1, 2]
    epochs: 2
    pvdr_lambda: 0.3
    quiet: true
    \(extra)
    """
  }

  @Test func aConfigRunEqualsTheFlagsRunAndConfigYAMLReadsBack() throws {
    let (dir, files, conf) = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let config = conf.appendingPathComponent("run.yaml")
    try Self.write(Self.yamlConfig(), to: config)
    let fromFile = dir.appendingPathComponent("file"), fromFlags = dir.appendingPathComponent("flags")
    let a = try BuiltTool.run("cvr", ["debias", "train", "--config", config.path, "--out", fromFile.path])
    #expect(a.status == 0, "\(a.output)")
    let b = try BuiltTool.run("cvr", [
      "debias", "train", "--train", files.trainLong.path, "--test", files.testLong.path, "--format", "long",
      "--estimators", "naive,dr-jl", "--seeds", "1,2", "--epochs", "2", "--pvdr-lambda", "0.3", "--quiet",
      "--out", fromFlags.path,
    ])
    #expect(b.status == 0, "\(b.output)")
    let metrics = try Data(contentsOf: fromFile.appendingPathComponent("metrics.json"))
    #expect(metrics == (try Data(contentsOf: fromFlags.appendingPathComponent("metrics.json"))))
    // Relative paths were read from conf/, not from the working directory.
    let yaml = try String(contentsOf: fromFile.appendingPathComponent("config.yaml"), encoding: .utf8)
    #expect(yaml.contains("train: \"\(files.trainLong.standardizedFileURL.path)\""), "\(yaml)")
    #expect(yaml.contains("epochs: 2") && yaml.contains("seeds: [1, 2]") && yaml.contains("pvdr_lambda: \"0.3\""))
    // The written config.yaml is itself a config: a third run from it gives the same metrics.
    let again = dir.appendingPathComponent("again")
    let c = try BuiltTool.run("cvr", [
      "debias", "train", "--config", fromFile.appendingPathComponent("config.yaml").path, "--out", again.path,
    ])
    #expect(c.status == 0, "\(c.output)")
    #expect(metrics == (try Data(contentsOf: again.appendingPathComponent("metrics.json"))))
  }

  @Test func flagsOverrideTheFile() throws {
    let (dir, _, conf) = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let config = conf.appendingPathComponent("run.yaml")
    try Self.write(Self.yamlConfig(extra: "clip_floor: 0.2\n"), to: config)
    let out = dir.appendingPathComponent("run")
    let run = try BuiltTool.run("cvr", [
      "debias", "train", "--config", config.path, "--epochs", "1", "--seeds", "3", "--estimators", "naive", "--out", out.path,
    ])
    #expect(run.status == 0, "\(run.output)")
    let yaml = try String(contentsOf: out.appendingPathComponent("config.yaml"), encoding: .utf8)
    #expect(yaml.contains("epochs: 1\n") && yaml.contains("seeds: [3]\n") && yaml.contains("estimators: [\"naive\"]\n"))
    #expect(yaml.contains("clip_floor: 0.2\n"), "a key no flag overrides keeps the file's value: \(yaml)")
    let json = try #require(try JSONSerialization.jsonObject(
      with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as? [String: Any])
    #expect(json["seeds"] as? [Int] == [3])
    let settings = try #require(json["config"] as? [String: Any])
    #expect(settings["epochs"] as? Int == 1 && settings["clip_floor"] as? Double == 0.2)
  }

  @Test(arguments: [
    ("bogus: 1\n", "unknown key 'bogus'", "(known: train, test, format"),
    ("dim: many\n", "key 'dim'", "expected an integer, got 'many'"),
    ("clip_floor: [0.1]\n", "key 'clip_floor'", "expected a number, got a list"),
    ("quiet: 3\n", "key 'quiet'", "expected true or false, got '3'"),
    ("clip_floor: 0\n", "key 'clip_floor' (0.0)", "must be in (0, 1]"),
    ("pvdr_lambda: 'inverse:x'\n", "key 'pvdr_lambda'", "'x' is not a number"),
    ("seeds: 3-1\n", "key 'seeds'", "the range 3-1 runs backwards"),
  ])
  func badKeysNameTheFileAndTheKey(_ extra: String, _ key: String, _ message: String) throws {
    let (dir, _, conf) = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let config = conf.appendingPathComponent("bad.yaml")
    // The bad line replaces a key of the base config where both would set it.
    let base = Self.yamlConfig().split(separator: "\n").filter { line in
      !extra.hasPrefix(String(line.prefix { $0 != ":" }) + ":")
    }.joined(separator: "\n")
    try Self.write(base + "\n" + extra, to: config)
    let out = dir.appendingPathComponent("run")
    let run = try BuiltTool.run("cvr", ["debias", "train", "--config", config.path, "--out", out.path])
    #expect(run.status == 64, "\(run.output)")
    #expect(run.stderr.contains("\(config.path): \(key)"), "\(run.stderr)")
    #expect(run.stderr.contains(message), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func aMissingRequiredSettingNamesFlagAndKey() throws {
    let (dir, _, conf) = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let config = conf.appendingPathComponent("partial.yaml")
    try Self.write("train: ../data/train.csv\nformat: long\n", to: config)
    let run = try BuiltTool.run("cvr", ["debias", "train", "--config", config.path, "--out", dir.appendingPathComponent("r").path])
    #expect(run.status == 64)
    #expect(run.stderr.contains("give --test (or the key 'test' in --config)"), "\(run.stderr)")
  }
}

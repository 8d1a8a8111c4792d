// `cvr debias train` as a user runs it, on the MNAR ratings fixture
// (MNARRatingsWorld, seed 11): the three files, metrics.json byte-identical for
// the same seeds, bad flags refused with exit 64 and nothing written, and the
// estimator comparison over 3 seeds on the randomised test split.
import CVRSimulation
import CVRTestSupport
import Foundation
import Testing

@Suite(.serialized) struct DebiasTrainCLITests {
  static func fixture() throws -> (dir: URL, files: MNARRatingsFiles) {
    let dir = try scratchDirectory()
    return (dir, try MNARRatingsWorld(seed: 11).write(to: dir))
  }

  static func arguments(_ files: MNARRatingsFiles, out: URL, _ extra: [String]) -> [String] {
    ["debias", "train", "--train", files.trainLong.path, "--test", files.testLong.path, "--format", "long",
     "--out", out.path, "--quiet"] + extra
  }

  @Test func writesTheFilesAndIsReproducible() throws {
    let (dir, files) = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b")
    let flags = ["--estimators", "naive,snips,dr-jl", "--seeds", "1,2", "--epochs", "3"]
    for out in [a, b] {
      let run = try BuiltTool.run("cvr", Self.arguments(files, out: out, flags))
      #expect(run.status == 0, "\(run.output)")
      #expect(run.stdout.contains("dr-jl") && run.stdout.contains("AUC") && run.stdout.contains("left out"), "\(run.stdout)")
    }
    #expect(try entries(of: a) == ["config.yaml", "metrics.json", "report.md"])
    let first = try Data(contentsOf: a.appendingPathComponent("metrics.json"))
    #expect(first == (try Data(contentsOf: b.appendingPathComponent("metrics.json"))))
    let json = try #require(try JSONSerialization.jsonObject(with: first) as? [String: Any])
    let models = try #require(json["models"] as? [String: Any])
    #expect(Set(models.keys) == ["naive", "snips", "dr-jl"])
    let auc = try #require((models["dr-jl"] as? [String: Any])?["AUC"] as? [String: Any])
    #expect((auc["values"] as? [Double])?.count == 2)
    #expect(json["seeds"] as? [Int] == [1, 2])
    let report = try String(contentsOf: a.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(report.contains("| dr-jl |") && report.contains("users without a positive left out"))
    let yaml = try String(contentsOf: a.appendingPathComponent("config.yaml"), encoding: .utf8)
    #expect(yaml.contains("propensity: \"file\"") && yaml.contains("seeds: [1, 2]"))
  }

  /// The fixture has no MCAR sample besides its test split, which stands in for one
  /// here only to run the naive-Bayes path (a real run must not pass the test split).
  @Test func otherPropensitiesRun() throws {
    let (dir, files) = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    for (name, extra) in [("nb", ["--propensity", "naive-bayes", "--mcar", files.testLong.path]),
                          ("lr", ["--propensity", "logistic"])] {
      let out = dir.appendingPathComponent(name)
      let run = try BuiltTool.run("cvr", Self.arguments(files, out: out, ["--estimators", "ips", "--seeds", "1", "--epochs", "2"] + extra))
      #expect(run.status == 0, "\(run.output)")
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.json").path))
    }
    let matrix = dir.appendingPathComponent("m")
    let run = try BuiltTool.run("cvr", [
      "debias", "train", "--train", files.trainMatrix.path, "--test", files.testMatrix.path, "--format", "matrix",
      "--propensity", "logistic", "--estimators", "naive,mrdr", "--seeds", "1", "--epochs", "2", "--out", matrix.path, "--quiet",
    ])
    #expect(run.status == 0, "\(run.output)")
  }

  @Test(arguments: [
    (["--estimators", "naive,bogus"], "unknown estimator \"bogus\""),
    (["--estimators", "ips,ips"], "ips is listed twice"),
    (["--format", "wide"], "--format wide: use long or matrix"),
    (["--propensity", "oracle"], "--propensity oracle"),
    (["--propensity", "naive-bayes"], "--propensity naive-bayes needs --mcar FILE"),
    (["--clip-floor", "0"], "--clip-floor 0.0: must be in (0, 1]"),
    (["--seeds", "3-1"], "--seeds '3-1': the range 3-1 runs backwards"),
    (["--epochs", "0"], "--epochs 0: need at least 1"),
    (["--pvdr-lambda", "1.5"], "--pvdr-lambda '1.5': λ 1.5 must be in [0, 1]"),
    (["--pvdr-lambda", "p<0.1:1"], "--pvdr-lambda 'p<0.1:1': the steps need a last else:V"),
    (["--pvdr-lambda", "inverse:0.05"], "--pvdr-lambda 'inverse:0.05': λ varies with p̂, which --propensity file gives only on rated cells"),
    (["--stabledr-penalty=-1"], "--stabledr-penalty -1.0: must be a number ≥ 0"),
    (["--user-features", "u.txt"], "--user-features"),
  ])
  func refusesBadFlags(_ flags: [String], _ message: String) throws {
    let (dir, files) = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    var arguments = Self.arguments(files, out: out, [])
    if let f = arguments.firstIndex(of: "--format"), flags.first == "--format" { arguments.removeSubrange(f...(f + 1)) }
    let run = try BuiltTool.run("cvr", arguments + flags)
    #expect(run.status == 64, "\(run.output)")
    #expect(run.stderr.contains(message), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  /// A λ rule reaches the run: its text names the estimator in metrics.json and the
  /// table, and config.yaml records it (p̂ from the logistic model, defined on every cell).
  @Test func aPVDRLambdaRuleNamesTheEstimator() throws {
    let (dir, files) = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let run = try BuiltTool.run("cvr", Self.arguments(files, out: out, [
      "--estimators", "pvdr", "--propensity", "logistic", "--pvdr-lambda", "p<0.1:1,else:0.25", "--seeds", "1", "--epochs", "2",
    ]))
    #expect(run.status == 0, "\(run.output)")
    #expect(run.stdout.contains("pvdr(λ=p<0.1:1.0,else:0.25)"), "\(run.stdout)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as? [String: Any])
    #expect((json["models"] as? [String: Any])?.keys.sorted() == ["pvdr(λ=p<0.1:1.0,else:0.25)"])
    #expect((json["config"] as? [String: Any])?["pvdr_lambda"] as? String == "p<0.1:1.0,else:0.25")
    let yaml = try String(contentsOf: out.appendingPathComponent("config.yaml"), encoding: .utf8)
    #expect(yaml.contains("pvdr_lambda: \"p<0.1:1.0,else:0.25\""), "\(yaml)")
  }

  @Test func aMatrixFileHasNoPropensityColumn() throws {
    let (dir, files) = try Self.fixture()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("run")
    let run = try BuiltTool.run("cvr", [
      "debias", "train", "--train", files.trainMatrix.path, "--test", files.testMatrix.path, "--format", "matrix",
      "--propensity", "file", "--out", out.path, "--quiet",
    ])
    #expect(run.status != 0)
    #expect(run.stderr.contains("no propensity column"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }
}

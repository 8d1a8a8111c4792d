// train-egean as a user runs it: its flag and config errors name the flag or
// key, a tiny run on the selection-bias world writes metrics.json with the
// entire-space metric names (the same bytes for the same seed), and cvr predict
// scores the checkpoint it saved.
import CVRSimulation
import CVRTestSupport
import Foundation
import Testing

@Suite struct TrainEGEANCLITests {
  /// The tiny selection-bias world (4 000 rows over 7 days) on disk.
  static func world() throws -> SimulatedFiles {
    try SelectionBiasWorld.write(.tiny, seed: 3, to: try scratchDirectory())
  }

  /// A one-seed ESMM run on days 0-4, tested on 5-6.
  static func arguments(_ files: SimulatedFiles, out: URL, _ extra: [String] = []) -> [String] {
    ["--data", files.data.path, "--schema", files.schema.path, "--train-days", "0-4", "--test-days", "5-6",
     "--models", "ESMM", "--seeds", "1", "--epochs", "2", "--out", out.path, "--quiet", "--threads", "1"] + extra
  }

  @Test func badFlagsAndKeysAreNamed() throws {
    let files = try Self.world()
    let out = try scratchDirectory().appendingPathComponent("run")
    let cases: [([String], String)] = [
      (["--estimator", "ips"], "--estimator 'ips' is not one of dr, pvdr"),
      (["--ablations", "en,xx"], "--ablations 'xx' is not one of en, tpn, ml, all, none"),
      (["--format", "criteo"], "--format 'criteo' is not one of ali-ccp, aliexpress"),
      (["--seeds", "3-1"], "--seeds"),
      (["--epochs", "0"], "--epochs must be at least 1"),
      (["--early-stopping-task", "gmv"], "early_stopping_task must be cvr, ctr or ctcvr"),
    ]
    for (extra, message) in cases {
      let run = try BuiltTool.run("train-egean", Self.arguments(files, out: out, extra))
      #expect(run.status != 0, "\(extra)")
      #expect(run.stderr.contains(message), "\(extra): \(run.stderr)")
    }
    let unknown = try BuiltTool.run("train-egean", Self.arguments(files, out: out, ["--models", "ESMM,EGEAN+XYZ"]))
    #expect(unknown.status != 0 && unknown.stderr.contains("model 'EGEAN+XYZ' is not in the catalog"))
    let overlap = try BuiltTool.run("train-egean", Self.arguments(files, out: out, ["--test-days", "4-6"]))
    #expect(overlap.stderr.contains("--test-days 4-6 overlaps --train-days 0-4"))
    let noSchema = try BuiltTool.run("train-egean", ["--data", files.data.path, "--out", out.path])
    #expect(noSchema.status != 0 && noSchema.stderr.contains("--data needs --schema"))
    // A config key that is not one: named with the file.
    let config = out.deletingLastPathComponent().appendingPathComponent("bad.yaml")
    try "trainig:\n  max_epochs: 2\n".write(to: config, atomically: true, encoding: .utf8)
    let badKey = try BuiltTool.run("train-egean", Self.arguments(files, out: out, ["--config", config.path]))
    #expect(badKey.status != 0 && badKey.stderr.contains("unknown key 'trainig'"), "\(badKey.stderr)")
    let badOption = out.deletingLastPathComponent().appendingPathComponent("option.yaml")
    try "model_options:\n  ESMM: {outputWidths: wide}\n".write(to: badOption, atomically: true, encoding: .utf8)
    let option = try BuiltTool.run("train-egean", Self.arguments(files, out: out, ["--config", badOption.path]))
    #expect(option.status != 0 && option.stderr.contains("model_options.ESMM"), "\(option.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.json").path))
  }

  @Test func tinyRunWritesTheEntireSpaceMetricsReproducibly() throws {
    let files = try Self.world()
    let root = try scratchDirectory()
    var written: [Data] = []
    for name in ["a", "b"] {
      let out = root.appendingPathComponent(name)
      let run = try BuiltTool.run("train-egean", Self.arguments(files, out: out))
      #expect(run.status == 0, "\(run.stderr)")
      #expect(run.stdout.contains("against the potential conversion"), "\(run.stdout)")
      written.append(try Data(contentsOf: out.appendingPathComponent("metrics.json")))
      for file in ["report.md", "config.yaml", "roc.svg", "loss.svg", "checkpoints/ESMM-seed1.ckpt"] {
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
      }
    }
    #expect(written[0] == written[1], "the same seed must give the same metrics.json bytes")
    let json = try JSONSerialization.jsonObject(with: written[0]) as! [String: Any]
    let esmm = (json["models"] as! [String: Any])["ESMM"] as! [String: Any]
    #expect(Set(esmm.keys) == ["ctr_auc", "cvr_auc_click", "cvr_auc_exposure", "ctcvr_auc", "cvr_logloss"])
    for (_, value) in esmm {
      let summary = value as! [String: Any]
      #expect(Set(summary.keys) == ["mean", "std", "values"])
      #expect((summary["values"] as! [Double]).count == 1)
    }
    let report = try String(contentsOf: root.appendingPathComponent("a/report.md"), encoding: .utf8)
    #expect(report.contains("potential conversion"))
    #expect(report.contains("## Closing note"))
    // cvr predict scores the saved checkpoint.
    let scores = root.appendingPathComponent("scores.csv")
    let predict = try BuiltTool.run("cvr", [
      "predict", "--checkpoint", root.appendingPathComponent("a/checkpoints/ESMM-seed1.ckpt").path,
      "--data", files.data.path, "--schema", files.schema.path, "--out", scores.path,
    ])
    #expect(predict.status == 0, "\(predict.stderr)")
    let lines = try String(contentsOf: scores, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == SelectionBiasWorld.Config.tiny.exposures + 1)
  }

  @Test func aliCCPFormatCountsUnclickedRowsAsNegatives() throws {
    let directory = try scratchDirectory()
    let generate = try BuiltTool.run("cvr", ["data", "generate", "--world", "ali-ccp-scale", "--rows", "20000", "--seed", "2",
                                             "--out", directory.path])
    #expect(generate.status == 0, "\(generate.stderr)")
    #expect(generate.stdout.contains("train.csv: 20000 impressions"))
    let out = directory.appendingPathComponent("run")
    let run = try BuiltTool.run("train-egean", [
      "--format", "ali-ccp", "--data", directory.appendingPathComponent("train.csv").path,
      "--test-data", directory.appendingPathComponent("test.csv").path, "--models", "ESMM", "--seeds", "1",
      "--epochs", "1", "--out", out.path, "--quiet", "--threads", "1",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("train: 20000 exposures") && run.stderr.contains("test: 2000 exposures"), "\(run.stderr)")
    #expect(run.stdout.contains("unclicked rows count as negatives"), "\(run.stdout)")
    let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
    #expect(report.contains("counts every unclicked test exposure as a negative"))
    let mixed = try BuiltTool.run("train-egean", [
      "--format", "ali-ccp", "--schema", "x.yaml", "--data", "a.csv", "--test-data", "b.csv", "--models", "ESMM",
      "--out", out.path,
    ])
    #expect(mixed.status != 0 && mixed.stderr.contains("--format gives the schema of its layout: drop --schema"))
  }
}

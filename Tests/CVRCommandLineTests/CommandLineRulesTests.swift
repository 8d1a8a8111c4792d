// What a user typing commands meets: every --help states defaults and an
// example; bad flag and config combinations stop with a message and a non-zero
// status before anything is written; one seed syntax; `cvr evaluate --where`.
// Runs the built `cvr` and `train-metacvr` next to the test bundle.
import ArgumentParser
import CVRCommandLine
import CVRTestSupport
import Foundation
import Testing

func run(_ name: String, _ arguments: [String]) throws -> BuiltTool.Run { try BuiltTool.run(name, arguments) }

func scratch() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-cli-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

@Suite struct CommandLineRulesTests {
  static let helps: [(String, [String])] = [
    ("cvr", []), ("cvr", ["data"]), ("cvr", ["data", "generate"]), ("cvr", ["data", "inspect"]),
    ("cvr", ["data", "convert"]), ("cvr", ["evaluate"]), ("cvr", ["predict"]), ("train-metacvr", []),
  ]

  @Test func everyHelpHasAnExampleAndItsDefaults() throws {
    for (name, path) in Self.helps {
      let help = try run(name, path + ["--help"])
      let what = ([name] + path).joined(separator: " ")
      #expect(help.status == 0, "\(what) --help: status \(help.status)")
      #expect(help.stdout.contains("Example"), "\(what) --help has no example")
      if path != [] && path != ["data"] { #expect(help.stdout.contains("default"), "\(what) --help states no default") }
    }
    let train = try run("train-metacvr", ["--help"]).stdout
    for text in ["--epochs", "--seed-count", "--seeds 3 is the one seed 3", "default: 1,2,3", "max_epochs 30"] {
      #expect(train.contains(text), "train-metacvr --help lacks '\(text)'")
    }
    #expect(try run("cvr", ["predict", "--help"]).stdout.contains("--where click=1"))
  }

  /// Arguments that reach the config checks; the data paths need not exist (nothing is read).
  func trainArguments(_ out: URL, _ extra: [String]) -> [String] {
    ["--data", "/nonexistent/d.csv", "--schema", "/nonexistent/s.yaml", "--train-days", "10-20",
     "--recent-days", "15-20", "--valid-days", "21-27", "--out", out.path, "--quiet"] + extra
  }

  @Test(arguments: [
    (["--threads", "0"], Int32(64), "--threads must be at least 1, got 0"),
    (["--threads=-2"], 64, "--threads must be at least 1, got -2"),
    (["--demo"], 64, "--demo generates its own data: give either --demo or --data/--schema, not both"),
    (["--epochs", "0"], 64, "--epochs must be at least 1, got 0"),
    (["--seeds", "5-2"], 64, "--seeds '5-2': the range 5-2 runs backwards"),
    (["--seeds", "1", "--seed-count", "3"], 64, "give --seeds or --seed-count, not both"),
    (["--models", "BASE,DCN", "--dmn", "spdm"], 1,
     "--dmn spdm chooses MetaCVR's distance metric, but the models (BASE,DCN) include no MetaCVR"),
    (["--valid-days", "0-5"], 1, "--valid-days 0-5 lie before --train-days 10-20"),
    (["--train-file", "a.csv"], 64, "give --train-file, --recent-file and --valid-file together"),
    (["--train-file", "a.csv", "--recent-file", "b.csv", "--valid-file", "c.csv"], 64,
     "--train-file, --recent-file and --valid-file replace --data and the day ranges: give one or the other"),
  ])
  func badTrainingArgumentsStopBeforeAnythingIsWritten(_ extra: [String], _ status: Int32, _ message: String) throws {
    let directory = try scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("out")
    let result = try run("train-metacvr", trainArguments(out, extra))
    #expect(result.status == status, "\(extra): \(result.stderr)")
    #expect(result.stderr.contains(message), "\(extra): \(result.stderr)")
    #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Swift/"))
    #expect(!FileManager.default.fileExists(atPath: out.path), "\(extra): --out was created")
  }

  @Test(arguments: [
    ("threads: 0\n", "threads must be at least 1, got 0"),
    ("dmn: [spdm]\nmodels: [BASE]\n", "dmn [spdm] chooses MetaCVR's distance metric, but models [BASE] include no MetaCVR"),
    ("holdout: 0\n", "holdout 0.0 must be in (0, 1)"),
    ("model_training: {BASEE: {max_epochs: 2}}\n", "model_training: unknown model 'BASEE' (known: "),
    ("model_options: {DCNN: {}}\n", "model_options: unknown model 'DCNN' (known: "),
    ("seeds: 3\n", "key 'seeds': expected a list such as [3] or [1, 2, 3], got '3'"),
    ("training: {max_epochs: many}\n", "key 'training.max_epochs': expected an integer, got 'many'"),
    ("model_training: {BASE: {max_epochs: many}}\n", "model_training.BASE: max_epochs: expected an integer, got \"many\""),
  ])
  func badConfigsStopWithTheirMessage(_ yaml: String, _ message: String) throws {
    let directory = try scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let config = directory.appendingPathComponent("c.yaml")
    try Data(yaml.utf8).write(to: config)
    let out = directory.appendingPathComponent("out")
    let result = try run("train-metacvr", trainArguments(out, ["--config", config.path]))
    #expect(result.status == 1, "\(yaml): \(result.stderr)")
    #expect(result.stderr.contains(message), "\(yaml): \(result.stderr)")
    #expect(!result.stderr.contains("DecodingError"), "\(yaml): \(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func seedsFollowOneRule() throws {
    #expect(try SeedList.parse("3") == [3])
    #expect(try SeedList.parse("3,") == [3])
    #expect(try SeedList.parse("1-5") == [1, 2, 3, 4, 5])
    #expect(try SeedList.parse("1,4,9") == [1, 4, 9])
    #expect(try SeedList.parse("1-3, 7") == [1, 2, 3, 7])
    #expect(try SeedList.count(2) == [1, 2])
    for bad in ["", "a", "-1", "1-", "2-1", "1,1", "1-2-3", "0-200000"] {
      #expect(throws: ValidationError.self, "'\(bad)'") { try SeedList.parse(bad) }
    }
    #expect(throws: ValidationError.self) { try SeedList.count(0) }
  }

  @Test func evaluateWhereKeepsTheFilteredRows() throws {
    let directory = try scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let rows = [(1, 1, 0.9), (0, 0, 0.95), (1, 0, 0.3), (0, 1, 0.05), (1, 1, 0.6), (1, 0, 0.7), (0, 0, 0.1), (1, 0, 0.2)]
    func write(_ name: String, _ keep: (Int) -> Bool) throws -> String {
      let text = "row,click,conversion,score\n" + rows.enumerated().filter { keep($0.element.0) }
        .map { "\($0.offset),\($0.element.0),\($0.element.1),\($0.element.2)" }.joined(separator: "\n") + "\n"
      let url = directory.appendingPathComponent(name)
      try Data(text.utf8).write(to: url)
      return url.path
    }
    let all = try write("all.csv") { _ in true }, clicked = try write("clicked.csv") { $0 == 1 }
    let common = ["--label", "conversion", "--score", "score"]
    let filtered = try run("cvr", ["evaluate", all] + common + ["--where", "click=1"])
    let reference = try run("cvr", ["evaluate", clicked] + common)
    let unfiltered = try run("cvr", ["evaluate", all] + common)
    #expect(filtered.status == 0 && reference.status == 0, "\(filtered.stderr)")
    #expect(filtered.stdout == reference.stdout)
    #expect(filtered.stdout != unfiltered.stdout)
    #expect(filtered.stderr.contains("--where click=1 kept 5 of 8 rows"))

    let unknown = try run("cvr", ["evaluate", all] + common + ["--where", "clik=1"])
    #expect(unknown.status == 1 && unknown.stderr.contains("--where clik=1: no column 'clik' in the header"))
    let none = try run("cvr", ["evaluate", all] + common + ["--where", "click=7"])
    #expect(none.status == 1 && none.stderr.contains("--where click=7 keeps none of the 8 rows"))
    let syntax = try run("cvr", ["evaluate", all] + common + ["--where", "click"])
    #expect(syntax.status == 64 && syntax.stderr.contains("--where 'click' must be COLUMN=VALUE"))
  }
}

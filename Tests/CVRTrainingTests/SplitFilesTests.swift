// D, D_r and D_v as three files (`--train-file/--recent-file/--valid-file`):
// the same rows as day ranges of one file give the same run; no day column is
// needed; the files are checked with the schema and the flags are exclusive.
import CVRData
import CVRTestSupport
import CVRTraining
import Foundation
import MetaCVRExperiment
import Testing

@Suite struct SplitFilesTests {
  let fixture = TrainingFixture.shared

  /// The fixture's rows of days `range` (the file is written day by day), with the header.
  func rows(days range: ClosedRange<Int>) throws -> String {
    let lines = try String(contentsOf: fixture.files.data, encoding: .utf8).split(separator: "\n")
    let day = try #require(lines[0].split(separator: ",").firstIndex(of: "day"))
    let kept = lines.dropFirst().filter { range.contains(Int($0.split(separator: ",")[day])!) }
    return ([lines[0]] + kept).joined(separator: "\n") + "\n"
  }

  @Test func threeFilesGiveTheSameRunAsDayRangesOfOneFile() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var byFiles = fixture.experimentConfig(models: ["LR"], seeds: [1])
    for (name, range) in [("train.csv", 0...13), ("recent.csv", 14...20), ("valid.csv", 21...27)] {
      try Data(rows(days: range).utf8).write(to: directory.appendingPathComponent(name))
    }
    (byFiles.data, byFiles.trainDays, byFiles.recentDays, byFiles.validDays) = (nil, nil, nil, nil)
    byFiles.trainFile = directory.appendingPathComponent("train.csv").path
    byFiles.recentFile = directory.appendingPathComponent("recent.csv").path
    byFiles.validFile = directory.appendingPathComponent("valid.csv").path
    let byDays = fixture.experimentConfig(models: ["LR"], seeds: [1])

    let a = try ExperimentData(config: byDays), b = try ExperimentData(config: byFiles)
    for split in [Split.train, .recent, .valid] {
      #expect(a.splits.rows(split, space: .click) == b.splits.rows(split, space: .click), "\(split)")
    }
    #expect(a.validLabels == b.validLabels && a.store.occasionNames == b.store.occasionNames)
    func auc(_ config: ExperimentConfig, _ data: ExperimentData) throws -> [Double] {
      let outcome = try Experiment(config: config, data: data, catalog: .standard(), output: try scratchDirectory(),
                                   progress: ProgressLine(enabled: false)).run()
      return outcome.result["LR", "auc"]!.values
    }
    #expect(try auc(byDays, a) == auc(byFiles, b))
  }

  @Test func noDayColumnIsNeeded() throws {
    let directory = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let schema = directory.appendingPathComponent("schema.yaml")
    try Data("""
      columns:
        - {name: user_id, role: sparse, hash_buckets: 100, dim: 4, group: user}
        - {name: price, role: dense}
        - {name: click, role: click}
        - {name: buy, role: conversion}
      """.utf8).write(to: schema)
    func write(_ name: String, _ rows: [String]) throws -> String {
      let url = directory.appendingPathComponent(name)
      try Data((["user_id,price,click,buy"] + rows).joined(separator: "\n").appending("\n").utf8).write(to: url)
      return url.path
    }
    var config = ExperimentConfig()
    config.schema = schema.path
    config.trainFile = try write("train.csv", ["u1,1.5,1,0", "u2,2.5,0,0", "u3,0.5,1,1", "u4,3.0,1,0"])
    config.recentFile = try write("recent.csv", ["u1,1.0,1,1", "u5,2.0,0,0", "u6,2.0,1,0"])
    config.validFile = try write("valid.csv", ["u2,1.0,1,0", "u7,4.0,1,1", "u8,4.0,0,0"])
    let data = try ExperimentData(config: config)
    #expect(data.store.rowCount == 10)
    #expect(data.splits.rows(.train, space: .click) == [0, 2, 3, 4, 6])
    #expect(data.splits.rows(.recent, space: .click) == [4, 6])
    #expect(data.validRows == [7, 8] && data.validLabels == [false, true])
    // A bad value names its own file and line.
    config.validFile = try write("valid.csv", ["u2,1.0,1,0", "u7,x,1,1"])
    #expect { try ExperimentData(config: config) } throws: { "\($0)".contains("valid.csv:3") }
  }

  @Test func filesAndDayRangesAreExclusiveAndComeInThrees() throws {
    var c = ExperimentConfig()
    c.schema = "s.yaml"
    c.trainFile = "a.csv"
    #expect(throws: TrainingError.config("give --train-file, --recent-file and --valid-file together")) {
      try c.validate()
    }
    (c.recentFile, c.validFile, c.data) = ("b.csv", "c.csv", "d.csv")
    #expect(throws: TrainingError.config(
      "--train-file, --recent-file and --valid-file replace --data and the day ranges: give one or the other")) {
      try c.validate()
    }
    c.data = nil
    try c.validate()
    // The config keys read, relative to the config file.
    let parsed = try ExperimentConfig.parse("train_file: a.csv\nrecent_file: b.csv\nvalid_file: c.csv\n")
    #expect(parsed.usesSplitFiles && parsed.validFile == "c.csv")
  }
}

// Ingestion's warnings reach the experiment (train-metacvr prints them): a
// schema that clears conversions on unclicked rows says how many it cleared.
import CVRData
import Foundation
import MetaCVRExperiment
import Testing

@Suite struct ExperimentDataWarningsTests {
  @Test func clearedUnclickedConversionsAreReportedWithTheFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cvr-warn-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let schema = """
      unclicked_conversions: clear
      columns:
        - {name: day, role: day}
        - {name: u, role: sparse, hash_buckets: 100}
        - {name: click, role: click}
        - {name: buy, role: conversion}
      """
    // Days 0–1 train (1 recent), day 2 valid; every split has clicked rows; one unclicked conversion on day 0.
    var csv = "day,u,click,buy\n"
    for day in 0...2 { for i in 0..<12 { csv += "\(day),u\(i),\(i % 2),\(i % 4 == 1 ? 1 : 0)\n" } }
    csv += "0,u99,0,1\n"
    try Data(schema.utf8).write(to: dir.appendingPathComponent("schema.yaml"))
    try Data(csv.utf8).write(to: dir.appendingPathComponent("data.csv"))
    var config = ExperimentConfig()
    (config.data, config.schema) = (dir.appendingPathComponent("data.csv").path, dir.appendingPathComponent("schema.yaml").path)
    (config.trainDays, config.recentDays, config.validDays) = ("0-1", "1-1", "2-2")
    let data = try ExperimentData(config: config)
    #expect(data.warnings == ["\(config.data!): 1 conversion on an unclicked row was read as 0 (unclicked_conversions: clear)"])
  }
}

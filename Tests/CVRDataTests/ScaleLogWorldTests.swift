// The scale world writes the rates it is asked for (within sampling error), the
// same bytes for the same seed, and ids inside each field's range.
import CVRSimulation
import CVRTestSupport
import Foundation
import Testing

@Suite struct ScaleLogWorldTests {
  static func config(rows: Int) -> ScaleLogWorld.Config {
    ScaleLogWorld.Config(fields: [("u", 5_000), ("i", 8_000), ("c", 30), ("s", 3)], clickColumn: "click",
                         conversionColumn: "purchase", rows: rows, clickRate: 0.04, conversionPerClick: 0.05)
  }

  @Test func ratesAndDeterminism() throws {
    let directory = try scratchDirectory()
    let a = directory.appendingPathComponent("a.csv"), b = directory.appendingPathComponent("b.csv")
    let written = try ScaleLogWorld.write(Self.config(rows: 60_000), seed: 9, to: a)
    _ = try ScaleLogWorld.write(Self.config(rows: 60_000), seed: 9, to: b)
    #expect(try Data(contentsOf: a) == Data(contentsOf: b))
    let other = directory.appendingPathComponent("other.csv")
    _ = try ScaleLogWorld.write(Self.config(rows: 60_000), seed: 9, stream: 1, to: other)
    #expect(try Data(contentsOf: a) != Data(contentsOf: other), "another stream draws other rows")
    // 60 000 rows: the CTR's standard error is 0.0008; the conversion rate's (2 400 clicks) 0.0045.
    #expect(abs(written.ctr - 0.04) < 0.004, "CTR \(written.ctr)")
    #expect(abs(written.conversionPerClick - 0.05) < 0.02, "CVR \(written.conversionPerClick)")
    let lines = try String(contentsOf: a, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "u,i,c,s,click,purchase")
    #expect(lines.count == 60_001)
    // Field f's raw ids are offset_f + 1 … offset_f + V_f (offsets 0, 5 000, 13 000, 13 030).
    let bounds = [(1, 5_000), (5_001, 13_000), (13_001, 13_030), (13_031, 13_033)]
    for line in lines.dropFirst().prefix(2_000) {
      let values = line.split(separator: ",").map { Int($0)! }
      for (f, (low, high)) in bounds.enumerated() { #expect(values[f] >= low && values[f] <= high) }
      #expect(values[5] <= values[4], "a conversion without a click")
    }
  }

  @Test func badConfigIsAnError() {
    #expect(throws: SimulationError.self) {
      try ScaleLogWorld.write(Self.config(rows: 0), seed: 1, to: URL(fileURLWithPath: "/nonexistent/x.csv"))
    }
  }
}

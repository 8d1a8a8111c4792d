// The one JSON value: exact text round trips, JSON's equality, and the
// parser's refusals (bad numbers, repeated keys, hostile nesting).
import CVRCore
import Foundation
import Testing

struct JSONValueTests {
  @Test func parseThenRenderIsByteExact() throws {
    let text = """
      {
        "zeta": 1,
        "alpha": [0.8395, 1e-05, -3, 18446744073709551615],
        "nested": {
          "b": "q\\"uote\\n",
          "a": null
        },
        "flags": [true, false],
        "empty": {}
      }

      """
    #expect(try JSONValue.parse(text).rendered() == text)
  }

  @Test func integersBeyondInt64StayExact() throws {
    let seed = UInt64.max
    let value = JSONValue.integer(seed)
    guard case let .number(number) = try JSONValue.parse(value.rendered()) else {
      Issue.record("not a number"); return
    }
    #expect(number.uint64 == seed)
    // Through Foundation's coder too (checkpoint headers take that road).
    let viaCodable = try JSONValue(encoding: ["seed": seed])
    #expect(viaCodable["seed"] == value)
  }

  @Test func equalityIsJSONs() throws {
    let a = try JSONValue.parse(#"{"x": 1, "y": [1.0, "s"]}"#)
    let b = try JSONValue.parse(#"{"y": [1, "s"], "x": 1.0}"#)
    #expect(a == b)
    #expect(a != (try JSONValue.parse(#"{"x": 1, "y": [1.5, "s"]}"#)))
    #expect(a != (try JSONValue.parse(#"{"x": 1}"#)))
    #expect(JSONValue.integer(1) == .number(1.0))
    #expect(JSONValue.double(.nan) == .null)
  }

  @Test func objectsKeepInsertionOrderAndUniqueKeys() {
    var object: JSONObject = ["b": .integer(1), "a": .integer(2)]
    object["c"] = .bool(true)
    object["b"] = .string("again")
    #expect(object.keys == ["b", "a", "c"])
    #expect(object["b"] == .string("again"))
    object["a"] = nil
    #expect(object.keys == ["b", "c"])
    let merged = JSONValue.object(object).merging(.object(["d": .null, "b": .integer(0)]))
    #expect(merged.rendered() == "{\n  \"b\": 0,\n  \"c\": true,\n  \"d\": null\n}\n")
  }

  @Test(arguments: ["01", "1.", ".5", "+1", "1e", "-", "0x10", "1.5e+", "NaN", "inf"])
  func badNumbersAreRefused(text: String) {
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(text) }
  }

  @Test(arguments: ["0", "-0", "12", "0.5", "-1.25e-7", "3E+2"])
  func goodNumbersAreKeptAsWritten(text: String) throws {
    guard case let .number(number) = try JSONValue.parse(text) else { Issue.record("not a number"); return }
    #expect(number.text == text)
  }

  @Test func repeatedKeysAreRefused() {
    let error = #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(#"{"a": 1, "a": 2}"#) }
    #expect(error?.description == "JSON: repeated key \"a\" at byte 9")
  }

  @Test func hostileNestingIsAnErrorNotACrash() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(deep) }
    let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    #expect((try? JSONValue.parse(fine)) != nil)
  }

  @Test func codableRoundTripKeepsValues() throws {
    struct Config: Codable, Equatable {
      var widths: [Int]
      var rate: Double
      var name: String
      var options: [String: Bool]
    }
    let config = Config(widths: [256, 128], rate: 0.1, name: "inf", options: ["z": true, "a": false])
    let json = try JSONValue(encoding: config)
    #expect(json["name"] == .string("inf"))
    #expect(json["options"].map { if case let .object(o) = $0 { o.keys } else { [] } } == ["a", "z"])
    #expect(try json.decode(Config.self) == config)
  }
}

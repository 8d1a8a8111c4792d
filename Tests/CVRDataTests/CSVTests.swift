// Parser edge cases: quoting, line endings, and each malformed field or row
// with the specific error (line, column, reason) it must give.
@testable import CVRData
@testable import CVRIngest
@testable import CVRSimulation
import CVRFileIO
import Foundation
import Testing

@Suite struct CSVTests {
  static let schema = """
    columns:
      - {name: id, role: sparse, vocab: 10}
      - {name: x, role: dense}
      - {name: text, role: sparse, hash_buckets: 100}
      - {name: click, role: click}
    """
  static let header = "id,x,text,click\n"

  @Test func quotedFieldsKeepDelimitersNewlinesAndEscapedQuotes() throws {
    let csv = Self.header + "1,2.5,\"a,b\",1\n2,3,\"line\nbreak\",0\n3,4,\"say \"\"hi\"\"\",1\n\"4\",\"-1e-3\",plain,0"
    let store = try IngestFixture.load(csv, schema: Self.schema).store
    let h = { IngestFixture.fnv($0, buckets: 100) }
    #expect(store.rowCount == 4)
    #expect(store.ids["id"]?.array == [1, 2, 3, 4])
    #expect(store.dense["x"]?.array == [2.5, 3, 4, -0.001])
    #expect(store.ids["text"]?.array == [h("a,b"), h("line\nbreak"), h("say \"hi\""), h("plain")])
  }

  @Test func crlfReadsLikeLFAndBlankLinesAreNotRows() throws {
    let lf = Self.header + "1,2.5,\"a\r\nb\",1\n2,3,c,0\n\n"
    let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n").replacingOccurrences(of: "\r\r\n", with: "\r\n")
    let a = try IngestFixture.load(lf, schema: Self.schema).store
    let b = try IngestFixture.load(crlf, schema: Self.schema).store
    #expect(b.rowCount == 2)
    #expect(a.ids["text"]?.array == b.ids["text"]?.array)
    #expect(b.ids["text"]?.array.first == IngestFixture.fnv("a\r\nb", buckets: 100))
    #expect(a.dense["x"]?.array == b.dense["x"]?.array)
    #expect(b.labels["click"]?.array == [1, 0])
  }

  @Test func tabDelimitedAndByteOrderMark() throws {
    let schema = "delimiter: \"\\t\"\n" + Self.schema
    let store = try IngestFixture.load("\u{FEFF}id\tx\ttext\tclick\n1\t2\ta,b\t1\n", schema: schema).store
    #expect(store.ids["text"]?.array == [IngestFixture.fnv("a,b", buckets: 100)])
  }

  /// (data rows after a good line 2, column, reason): each bad row is on line 3.
  @Test(arguments: [
    ("1,,t,1", "x", "empty field"),
    (",2,t,1", "id", "empty field"),
    ("1,2.5,t", "click", "missing column 'click'"),
    ("1,2.5,t,1,9", nil, "extra field"),
    ("1,abc,t,1", "x", "'abc' is not a decimal number"),
    ("1,1.2.3,t,1", "x", "'1.2.3' is not a decimal number"),
    ("q,2,t,1", "id", "'q' is not an integer id"),
    ("1.0,2,t,1", "id", "'1.0' is not an integer id"),
    ("12,2,t,1", "id", "id 12 out of range for vocab 10"),
    ("-1,2,t,1", "id", "id -1 out of range for vocab 10"),
    ("1,nan,t,1", "x", "'nan' is not a decimal number (a dense column takes digits with an optional sign, '.' and exponent; no hex, inf or nan)"),
    ("1,NaN,t,1", "x", "'NaN' is not a decimal number"),
    ("1,-inf,t,1", "x", "'-inf' is not a decimal number"),
    ("1,1e60,t,1", "x", "'1e60' is too large for a 32-bit float"),
    ("1,2,t,2", "click", "label must be 0 or 1, got '2'"),
    ("1,2,t,yes", "click", "label must be 0 or 1, got 'yes'"),
    ("1,2,\"t\"x,1", "text", "unexpected character after a closing quote"),
    ("1,2,\"never closed,1\n4,5,t,0\n", "text", "unterminated quote (opened on line 3)"),
  ] as [(String, String?, String)])
  func badRowGivesItsSpecificError(_ row: String, _ column: String?, _ reason: String) {
    IngestFixture.expectError(Self.header + "0,1,t,0\n" + row + "\n", schema: Self.schema, line: 3, column: column, reason: reason)
  }

  @Test func unterminatedQuoteNamesTheLineWhereItOpened() {
    let csv = Self.header + "0,1,\"multi\nline\",0\n1,2,t,1\n2,3,\"open\n4,5,t,0\n5,6,t,1\n"
    IngestFixture.expectError(csv, schema: Self.schema, line: 5, column: "text", reason: "opened on line 5")
  }

  @Test(arguments: [
    ("id,x,click", "text", "missing column 'text'"),
    ("id,x,text,click,extra", nil, "unexpected column 'extra' at position 5"),
    ("id,x,txt,click", "text", "unexpected column 'txt' at position 3"),
    ("id,text,x,click", "x", "column 'x' is at position 3, the schema puts it at position 2"),
  ] as [(String, String?, String)])
  func headerMismatchNamesTheColumn(_ header: String, _ column: String?, _ reason: String) {
    IngestFixture.expectError(header + "\n1,2,t,1\n", schema: Self.schema, line: 1, column: column, reason: reason)
  }

  @Test func errorDescriptionIsFileLineColumnReason() {
    let error = DataError(file: "/d/a.csv", line: 7, column: "price", fieldIndex: 2, reason: "'x' is not a number")
    #expect(error.description == "/d/a.csv:7:price: 'x' is not a number")
  }

  @Test(arguments: ["0.1", "1.5", "-0.125", "3.4028235e38", "1e-45", "1.17549435e-38", "0.8444218515250481", "123456789",
                    "16777217", "16777216", "-0.0", "1.5e10", "7e-10", "0.000123", "9999999.5", "1E5", ".5", "5."])
  func floatParsingIsCorrectlyRounded(_ text: String) throws {
    let parsed = try #require(Array(text.utf8).withUnsafeBufferPointer { FieldParsers.parseFloat($0.baseAddress!, $0.count) })
    let expected = try #require(Float(text))
    #expect(parsed.bitPattern == expected.bitPattern, "\(text): \(parsed) vs \(expected)")
  }

  @Test func randomDecimalsParseLikeSwift() throws {
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
      let digits = Int.random(in: 1...9, using: &rng)
      let mantissa = String(UInt64.random(in: 0..<UInt64(pow(10, Double(digits))), using: &rng))
      let point = Int.random(in: 0...mantissa.count, using: &rng)
      var text = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
      if Bool.random(using: &rng) { text += "e\(Int.random(in: -12...12, using: &rng))" }
      let parsed = Array(text.utf8).withUnsafeBufferPointer { FieldParsers.parseFloat($0.baseAddress!, $0.count) }
      #expect(parsed?.bitPattern == Float(text)?.bitPattern, "\(text)")
      let shortest = Float(bitPattern: UInt32.random(in: 0..<0x7F80_0000, using: &rng)).description
      let back = Array(shortest.utf8).withUnsafeBufferPointer { FieldParsers.parseFloat($0.baseAddress!, $0.count) }
      #expect(back?.description == shortest)
    }
  }

  @Test func datesAreDaysSince1970() {
    func day(_ s: String) -> Int32? { Array(s.utf8).withUnsafeBufferPointer { FieldParsers.parseDay($0.baseAddress!, $0.count) } }
    #expect(day("1970-01-01") == 0)
    #expect(day("2024-01-01") == 19_723)
    #expect(day("2000-02-29") == 11_016)
    #expect(day("1969-12-31") == -1)
    #expect(day("2023-02-29") == nil)
    #expect(day("2024-13-01") == nil)
    #expect(day("42") == 42)
  }
}

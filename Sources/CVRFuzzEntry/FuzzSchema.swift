// Harness (b): bytes as a schema file; a schema that loads is written back as
// YAML and read again, then drives the ingester over a small file made to fit it.
import CVRData
import CVRIngest
import Foundation

/// Loads the bytes as a schema file (the path `cvr` and `train-metacvr` take).
///
/// A schema that loads must survive `yaml()` and load back equal (it is what
/// `cvr data convert` writes); a difference traps, as a silent change would.
/// Then two rows made to fit the schema are ingested with it, so the fuzzer
/// also steers the parser's settings (delimiter, separators, lengths, header).
public func fuzzSchema(_ bytes: UnsafeRawBufferPointer) {
  withScratchFile(bytes, suffix: "yaml") { url in
    guard var schema = try? DataSchema.load(from: url) else { return }
    if let text = try? schema.yaml() {
      let again: DataSchema
      do { again = try DataSchema.parse(text, file: "round-trip") } catch {
        fatalError("a loaded schema does not load back from its own YAML: \(error)\n\(text)")
      }
      precondition(again == schema, "a loaded schema changed through its own YAML:\n\(text)")
    }
    // The calendar path is the fuzzer's text: point it at a fixed file instead of the machine's.
    if schema.calendar != nil { schema.calendar = fuzzCalendarName }
    let data = Data(fittingRows(schema).utf8)
    data.withUnsafeBytes { rows in
      withScratchFile(rows, suffix: "csv") { csv in
        for skipBadRows in [false, true] {
          let options = IngestOptions(skipBadRows: skipBadRows, useCache: false)
          guard let result = try? DataIngest.load(csv, schema: schema, schemaDirectory: fuzzScratchDirectory,
                                                  options: options)
          else { continue }
          readBack(result.store)
        }
      }
    }
  }
}

let fuzzCalendarName = "fuzz-calendar.csv"

/// The calendar every fuzzed schema with a calendar reads (written once).
let fuzzCalendarWritten: Bool = {
  let url = fuzzScratchDirectory.appendingPathComponent(fuzzCalendarName)
  return (try? Data("day,occasion\n1,DP\n2,NP\n".utf8).write(to: url)) != nil
}()

/// A header (when the schema has one) and two rows with a plausible value for
/// each column's role, quoted where the delimiter or a quote appears.
func fittingRows(_ schema: DataSchema) -> String {
  _ = fuzzCalendarWritten
  let delimiter = schema.delimiter
  func field(_ text: String) -> String {
    let needsQuotes = text.contains(delimiter) || text.contains("\"") || text.contains("\n") || text.contains("\r")
    return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
  }
  func value(_ c: ColumnSpec, row: Int) -> String {
    let separator = c.separator ?? "|"
    switch c.role {
    case .sparse: return c.vocab.map { "\(row % max($0, 1))" } ?? "id\(row)"
    case .multi, .sequence:
      let ids = c.vocab.map { ["0", "\((row + 1) % max($0, 1))"] } ?? ["a", "b\(row)"]
      return ids.joined(separator: separator)
    case .dense: return row == 0 ? "1.5" : "-0.25"
    case .click: return row == 0 ? "1" : "0"
    case .conversion, .action: return "0"
    case .delay: return row == 0 ? "2" : ""
    case .day: return "\(row + 1)"
    case .occasion: return schema.occasions?.first ?? "DP"
    case .truth: return "0.5"
    case .ignore: return "x"
    }
  }
  var lines: [String] = []
  if schema.header { lines.append(schema.columns.map { field($0.name) }.joined(separator: delimiter)) }
  for row in 0..<2 { lines.append(schema.columns.map { field(value($0, row: row)) }.joined(separator: delimiter)) }
  return lines.joined(separator: "\n") + "\n"
}

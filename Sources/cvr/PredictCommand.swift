// `cvr predict`: scores every row of a data file with a saved model (any
// network checkpoint or an XGBoost model + sidecar) and writes a score CSV.
import ArgumentParser
import CVRData
import CVRFileIO
import CVRIngest
import CVRServing
import Foundation

struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Score every row of a data file with a saved model.",
    discussion: """
      Writes a CSV with the header row,user,click,conversion,score (user, click
      and conversion only when the schema has them).

      row is the input's own 0-based data row: the n-th record (after the header
      line, if the schema has one), blank lines not counted and bad rows counted.
      So with --skip-bad-rows the kept rows keep the input's numbers and a
      skipped row's number is absent. score is the model's P(conversion | click, x).

      The schema's feature columns must be the model's (same names, roles and
      order); label columns may be absent. Dense values are normalised with the
      statistics stored in the model, not refitted on this file.

      The paper's CVR AUC is over clicked rows only: evaluate with --where click=1.

      Example:
        cvr predict --checkpoint out/checkpoints/BASE-seed1.ckpt \\
          --data data.csv --schema schema.yaml --out scores.csv
        cvr evaluate scores.csv --label conversion --score score \\
          --user user --where click=1
      """)

  @Option(help: "A checkpoint written by train-metacvr (.ckpt), or an XGBoost model (.xgb) with its .json sidecar.")
  var checkpoint: String

  @Option(help: "The CSV/TSV data file to score.")
  var data: String

  @Option(help: "Its schema (YAML or JSON).")
  var schema: String

  @Option(help: "The score CSV to write (replaced atomically).")
  var out: String

  @Option(help: "Rows per inference batch.")
  var batchSize = 1024

  @Flag(help: "Skip rows that do not parse (each reported; the row ids stay the input's) instead of stopping at the first.")
  var skipBadRows = false

  func validate() throws {
    guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
  }

  func run() throws {
    do { try execute() } catch {
      FileHandle.standardError.write(Data("cvr predict: error: \(error)\n".utf8))
      throw ExitCode.failure
    }
  }

  func execute() throws {
    let bundle = try ModelBundle.load(from: URL(fileURLWithPath: checkpoint))
    let schemaURL = URL(fileURLWithPath: schema)
    let dataSchema = try DataSchema.load(from: schemaURL)
    try ModelCompatibility.check(model: bundle.schema, data: dataSchema, file: schema)
    var options = IngestOptions()
    options.skipBadRows = skipBadRows
    var loaded = try DataIngest.load(URL(fileURLWithPath: data), schema: dataSchema,
                                     schemaDirectory: schemaURL.deletingLastPathComponent(), options: options)
    if loaded.report.skippedRows > 0, loaded.report.skippedRecords == nil {
      // The cache keeps how many rows were skipped, not which: parse again to number the rows right.
      options.useCache = false
      loaded = try DataIngest.load(URL(fileURLWithPath: data), schema: dataSchema,
                                   schemaDirectory: schemaURL.deletingLastPathComponent(), options: options)
    }
    let store = loaded.store
    for warning in loaded.report.warnings { FileHandle.standardError.write(Data("cvr predict: warning: \(data): \(warning)\n".utf8)) }
    try ModelCompatibility.checkOccasions(model: bundle.schema, store: store, file: data)
    let assembler = try BatchAssembler(store: store, normalizer: bundle.normalizer)
    let rows = (0..<Int32(store.rowCount)).map { $0 }
    let scores = try bundle.scores(assembler: assembler, rows: rows, batchSize: batchSize)

    let inputRows = InputRowNumbers.of(kept: store.rowCount, skipped: loaded.report.skippedRecords ?? [])
    let user = SplitMetricsColumns.user(store)
    let click = store.clicks, conversion = store.conversions
    var header = ["row"]
    if user != nil { header.append("user") }
    if click != nil { header.append("click") }
    if conversion != nil { header.append("conversion") }
    header.append("score")
    var text = header.joined(separator: ",") + "\n"
    text.reserveCapacity(rows.count * 24)
    for (i, score) in scores.enumerated() {
      text += String(inputRows[i])
      if let user { text += "," + String(user[i]) }
      if let click { text += click[i] > 0.5 ? ",1" : ",0" }
      if let conversion { text += conversion[i] > 0.5 ? ",1" : ",0" }
      text += "," + score.description + "\n"
    }
    try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: out))
    let skipped = loaded.report.skippedRows > 0
      ? " (\(loaded.report.skippedRows) bad rows skipped; their row numbers are absent from the output)" : ""
    if loaded.report.skippedRows > 0 {
      var message = "cvr predict: warning: skipped \(loaded.report.skippedRows) bad rows; the first:\n"
      for error in loaded.report.firstSkipped { message += "  \(error)\n" }
      FileHandle.standardError.write(Data(message.utf8))
    }
    print("scored \(scores.count) rows with \(bundle.displayName) (\(bundle.kind)); wrote \(out)\(skipped)")
  }
}

/// The user column for the output (the same rule as GAUC's).
enum SplitMetricsColumns {
  static func user(_ store: ColumnStore) -> Column<Int32>? {
    store.schema.defaultUserColumn.flatMap { store.ids[$0] }
  }
}

struct PredictError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

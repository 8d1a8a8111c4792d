// `cvr data convert`: a public data set's raw files → the CSV (and schema)
// the ingestion reads.
import ArgumentParser
import CVRData
import CVRFileIO
import CVRIngest
import Foundation

struct DataConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert a public data set's raw files to a processed CSV.",
    discussion: """
      aliccp: Ali-CCP sample_skeleton + common_features → one CSV with the 18
      single-valued fields (101 … 301) and click,purchase; a missing field is "0".
      The common features file is held in memory (≈730k entries for the real train split).
      Files that are already one CSV per split (torch-rechub's Ali-CCP layout,
      AliExpress) need no conversion: `cvr data schema --preset aliccp-rechub|aliexpress`
      writes their schema.

      Example:
        cvr data convert --format aliccp --skeleton sample_skeleton_train.csv \\
          --common common_features_train.csv --out aliccp/train.csv --schema-out aliccp/schema.yaml
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case aliccp }

  @Option(help: "The raw format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
  var format: Format

  @Option(help: "Ali-CCP sample_skeleton_{train,test}.csv.")
  var skeleton: String

  @Option(help: "Ali-CCP common_features_{train,test}.csv of the same split.")
  var common: String

  @Option(help: "The processed CSV to write (replaced atomically).")
  var out: String

  @Option(help: "Also write the matching schema (YAML) here.")
  var schemaOut: String?

  @Option(help: "Hash buckets per field in the written schema.")
  var hashBuckets = 1_000_000

  @Option(help: "Embedding width per field in the written schema.")
  var dim = 5

  func validate() throws {
    guard hashBuckets > 0, dim > 0 else { throw ValidationError("--hash-buckets and --dim must be positive") }
  }

  func run() throws {
    let output = URL(fileURLWithPath: out)
    // Inputs first: a missing raw file must not leave a new, empty output directory behind.
    for input in [skeleton, common] { _ = try MappedFile(URL(fileURLWithPath: input)) }
    try DataOutput.createParent(of: output)
    if let schemaOut { try DataOutput.createParent(of: URL(fileURLWithPath: schemaOut)) }
    switch format {
    case .aliccp:
      let report = try AliCCP.convert(
        skeleton: URL(fileURLWithPath: skeleton), common: URL(fileURLWithPath: common), to: output)
      print("wrote \(report.rows) rows to \(output.path) (\(report.commonEntries) common feature entries held)")
      let missing = AliCCP.fields.compactMap { field in
        report.missing[field].flatMap { $0 > 0 ? "\(field): \($0)" : nil }
      }
      if !missing.isEmpty {
        print("rows missing a field (written as \"\(AliCCP.missingID)\"): " + missing.joined(separator: ", "))
      }
      print("dropped \(report.droppedEntries) entries of multi-valued or unlisted fields")
      if let schemaOut {
        let schema = AliCCP.processedSchema(hashBuckets: hashBuckets, dim: dim)
        try AtomicFile.write(Data(try schema.yaml().utf8), to: URL(fileURLWithPath: schemaOut))
        print("wrote the schema to \(schemaOut)")
      }
    }
  }
}

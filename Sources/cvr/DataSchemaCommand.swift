// `cvr data schema`: writes the schema of a public data set's CSV from a
// preset (Ali-CCP processed, the torch-rechub Ali-CCP layout, AliExpress),
// reading the file's header where the layout depends on it.
import ArgumentParser
import CVRData
import CVRFileIO
import CVRIngest
import Foundation

struct DataSchemaCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schema",
    abstract: "Write the schema of a public data set's CSV from a preset.",
    discussion: """
      Presets:
        aliccp          the CSV written by `cvr data convert --format aliccp` (18 fields, click, purchase)
        aliccp-rechub   torch-rechub's Ali-CCP files (ali_ccp_{train,val,test}*.csv): the header's
                        sparse fields, the eight D… dense fields, click and purchase, in file order
        aliexpress      AliExpress_XX/{train,test}.csv (search_id, categorical_1-16, numerical_1-63,
                        click, conversion); search_id is optional
      Groups: Ali-CCP fields by their id (1xx user, 2xx item, 301 context,
      5xx-8xx interaction). AliExpress columns are anonymised, so every feature
      is in `context` unless --group says otherwise.

      Example:
        cvr data schema --preset aliexpress --data AliExpress_NL/train.csv --out nl.yaml \\
            --group categorical_1-8=user --group categorical_9-16=item
      """)

  enum Preset: String, ExpressibleByArgument, CaseIterable {
    case aliccp
    case aliccpRechub = "aliccp-rechub"
    case aliexpress
  }

  @Option(help: "The preset: \(Preset.allCases.map(\.rawValue).joined(separator: ", ")).")
  var preset: Preset

  @Option(help: "The CSV the schema is for (its header is read; not needed for aliccp).")
  var data: String?

  @Option(help: "The schema file to write (replaced atomically).")
  var out: String

  @Option(help: "Hash buckets per sparse field. (default: 1000000)")
  var hashBuckets = 1_000_000

  @Option(help: "Embedding width per sparse field. (default: 5)")
  var dim = 5

  @Option(help: "aliexpress: COLUMNS=GROUP, COLUMNS a name, a range such as categorical_1-8, or a comma list; GROUP user, item, context or interaction. Repeatable.")
  var group: [String] = []

  func validate() throws {
    guard hashBuckets > 0, dim > 0 else { throw ValidationError("--hash-buckets and --dim must be positive") }
    guard preset == .aliccp || data != nil else { throw ValidationError("--preset \(preset.rawValue) needs --data (its header decides the columns)") }
    guard group.isEmpty || preset == .aliexpress else { throw ValidationError("--group applies to --preset aliexpress only") }
    _ = try groups(known: AliExpress.columnNames())
  }

  func run() throws {
    let schema: DataSchema
    switch preset {
    case .aliccp:
      schema = AliCCP.processedSchema(hashBuckets: hashBuckets, dim: dim)
    case .aliccpRechub:
      let (names, file) = try header()
      schema = try AliCCP.rechubSchema(header: names, hashBuckets: hashBuckets, dim: dim, file: file)
    case .aliexpress:
      let (names, file) = try header()
      let searchID = names.first == "search_id"
      let expected = AliExpress.columnNames(searchIDColumn: searchID)
      guard names == expected else {
        let at = zip(names, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(names.count, expected.count)
        let found = at < names.count ? "'\(ShownText.cut(names[at]))'" : "the end of the line"
        let wanted = at < expected.count ? "'\(expected[at])'" : "no more columns"
        throw ValidationError("\(file):1: not the AliExpress layout: column \(at + 1) is \(found), expected \(wanted)")
      }
      schema = AliExpress.schema(hashBuckets: hashBuckets, dim: dim, searchIDColumn: searchID,
                                 groups: try groups(known: expected))
    }
    try schema.validate(file: out)
    try DataOutput.createParent(of: URL(fileURLWithPath: out))
    try AtomicFile.write(Data(try schema.yaml().utf8), to: URL(fileURLWithPath: out))
    let features = schema.columns.filter(\.isFeature)
    let byGroup = Dictionary(grouping: features) { $0.group?.rawValue ?? "none" }
      .sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count)" }.joined(separator: ", ")
    print("wrote \(out): \(schema.columns.count) columns, \(features.count) features (\(byGroup))")
  }

  /// The data file's first line, split on commas (the presets' files have plain headers).
  private func header() throws -> ([String], String) {
    let path = data!
    let mapped = try MappedFile(URL(fileURLWithPath: path))
    var bytes = Array(mapped.bytes.prefix { $0 != 0x0A })
    if bytes.last == 0x0D { bytes.removeLast() }
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    guard !bytes.isEmpty else { throw ValidationError("\(path): the file is empty: no header line") }
    return (String(decoding: bytes, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false).map(String.init), path)
  }

  /// The --group options as column → group, checked against `known`.
  private func groups(known: [String]) throws -> [String: ColumnSpec.Group] {
    var result: [String: ColumnSpec.Group] = [:]
    for option in group {
      let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2, let g = ColumnSpec.Group(rawValue: parts[1]) else {
        throw ValidationError("--group '\(option)': expected COLUMNS=GROUP with GROUP one of user, item, context, interaction")
      }
      for item in parts[0].split(separator: ",").map(String.init) {
        for name in try expand(item) {
          guard known.contains(name) else { throw ValidationError("--group '\(option)': no column '\(name)' in the AliExpress layout") }
          result[name] = g
        }
      }
    }
    return result
  }

  /// "categorical_1-8" → categorical_1 … categorical_8; any other text is one name.
  private func expand(_ item: String) throws -> [String] {
    guard let underscore = item.lastIndex(of: "_") else { return [item] }
    let prefix = item[...underscore], range = item[item.index(after: underscore)...]
    let ends = range.split(separator: "-").map { Int($0) }
    guard ends.count == 2, let low = ends[0], let high = ends[1] else { return [item] }
    guard low <= high else { throw ValidationError("--group: range '\(item)' runs backwards") }
    return (low...high).map { "\(prefix)\($0)" }
  }
}

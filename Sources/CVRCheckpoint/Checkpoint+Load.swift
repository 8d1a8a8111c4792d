// Reading a checkpoint: every check first (structure, kind, config, names,
// shapes, checksums), then the copy into the model's and optimizer's buffers.
import CVRAutograd
import CVRCore
import CVROptim
import CVRFileIO
import Foundation

extension Checkpoint {
  /// Restores `parameters` (matched by name) and, when given, the optimizer's
  /// state tensors, step count and scalars from the checkpoint at `url`.
  ///
  /// Checks, in order: magic, version, header CRC and JSON, every tensor
  /// entry's shape/count/alignment and that its bytes lie inside the file,
  /// `kind`, `config` (when not nil; the error lists each differing key),
  /// missing and unexpected names, shapes, and the CRC-32 of every payload to
  /// be read. Only when all pass is anything written: a load that throws
  /// leaves the model and the optimizer exactly as they were.
  ///
  /// Loading without an optimizer ignores any optimizer state in the file
  /// (inference). Returns the header (step, metrics, seed, schema...).
  @discardableResult
  public static func load(
    from url: URL, into parameters: [Parameter], optimizer: (any Optimizer)? = nil,
    expecting kind: String, config: JSONValue?
  ) throws -> CheckpointHeader {
    let file = try mapped(url)
    let path = file.path
    let (header, headerEnd) = try CheckpointFormat.readHeader(file.bytes, file: path)
    try CheckpointFormat.validateEntries(header, headerEnd: headerEnd, fileSize: file.bytes.count, file: path)

    guard header.kind == kind else { throw CheckpointError.kindMismatch(file: path, found: header.kind, expected: kind) }
    if let config {
      let differences = header.config.differences(from: config)
      guard differences.isEmpty else { throw CheckpointError.configMismatch(file: path, differences: differences) }
    }

    var copies = try match(header.tensors, to: parameters.map { ($0.name, $0.shape, $0.value) },
                           group: .parameters, file: path)
    var optimizerState: CheckpointHeader.OptimizerState?
    if let optimizer {
      guard let state = header.optimizer else { throw CheckpointError.missingOptimizerState(file: path) }
      let expectedKind = String(describing: type(of: optimizer))
      guard state.kind == expectedKind else {
        throw CheckpointError.optimizerKindMismatch(file: path, found: state.kind, expected: expectedKind)
      }
      copies += try match(state.tensors, to: optimizer.stateTensors().map { ($0.name, $0.shape, $0.buffer) },
                          group: .optimizer, file: path)
      optimizerState = state
    }

    for (entry, _) in copies { try verifyChecksum(entry, in: file.bytes, file: path) }

    // Past this line nothing throws: the model changes all at once or not at all.
    for (entry, buffer) in copies {
      guard entry.count > 0 else { continue }
      buffer.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: entry.byteCount) { destination in
        destination.update(from: file.bytes.baseAddress!.advanced(by: entry.offset).assumingMemoryBound(to: UInt8.self),
                           count: entry.byteCount)
      }
    }
    if let optimizer, let optimizerState {
      optimizer.stepCount = optimizerState.stepCount
      (optimizer as? any CheckpointScalarState)?.checkpointScalars = optimizerState.scalarState
    }
    return header
  }

  /// `load` comparing against any Encodable config (through its JSON form).
  @discardableResult
  public static func load<Config: Encodable>(
    from url: URL, into parameters: [Parameter], optimizer: (any Optimizer)? = nil,
    expecting kind: String, config: Config
  ) throws -> CheckpointHeader {
    // `as JSONValue?` selects the non-generic overload; a bare JSONValue would
    // match this generic one again (JSONValue is Encodable) and recurse.
    try load(from: url, into: parameters, optimizer: optimizer, expecting: kind,
             config: JSONValue(encoding: config) as JSONValue?)
  }

  /// The header of the checkpoint at `url`, after checking magic, version,
  /// header CRC and JSON (payloads are not read): for tools that inspect files.
  public static func readHeader(from url: URL) throws -> CheckpointHeader {
    let file = try mapped(url)
    return try CheckpointFormat.readHeader(file.bytes, file: file.path).0
  }

  /// Checks the whole file (header, every entry, every payload's CRC,
  /// optimizer state included) without a model; returns the header.
  @discardableResult
  public static func verify(at url: URL) throws -> CheckpointHeader {
    let file = try mapped(url)
    let (header, headerEnd) = try CheckpointFormat.readHeader(file.bytes, file: file.path)
    try CheckpointFormat.validateEntries(header, headerEnd: headerEnd, fileSize: file.bytes.count, file: file.path)
    for entry in header.tensors + (header.optimizer?.tensors ?? []) {
      try verifyChecksum(entry, in: file.bytes, file: file.path)
    }
    return header
  }

  /// Pairs each expected tensor with its file entry by name; throws on
  /// duplicate, missing or unexpected names and on shape differences.
  private static func match(
    _ entries: [CheckpointHeader.TensorEntry], to targets: [(String, Shape, UnsafeMutableBufferPointer<Float>)],
    group: CheckpointError.TensorGroup, file: String
  ) throws -> [(CheckpointHeader.TensorEntry, UnsafeMutableBufferPointer<Float>)] {
    let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
    var seen = Set<String>()
    for (name, _, _) in targets where !seen.insert(name).inserted {
      throw CheckpointError.duplicateTensor(file: file, group: group, tensor: name, inFile: false)
    }
    let missing = targets.map(\.0).filter { byName[$0] == nil }
    guard missing.isEmpty else { throw CheckpointError.missingTensors(file: file, group: group, names: missing) }
    let unexpected = entries.map(\.name).filter { !seen.contains($0) }
    guard unexpected.isEmpty else { throw CheckpointError.unexpectedTensors(file: file, group: group, names: unexpected) }
    return try targets.map { name, shape, buffer in
      let entry = byName[name]!
      guard entry.shape == shape.dims else {
        throw CheckpointError.shapeMismatch(file: file, group: group, tensor: name, found: entry.shape, expected: shape.dims)
      }
      precondition(buffer.count == entry.count, "Checkpoint: '\(name)' buffer holds \(buffer.count) values for shape \(shape)")
      return (entry, buffer)
    }
  }

  private static func verifyChecksum(_ entry: CheckpointHeader.TensorEntry, in bytes: UnsafeRawBufferPointer, file: String) throws {
    let payload = UnsafeRawBufferPointer(rebasing: bytes[entry.offset..<(entry.offset + entry.byteCount)])
    let computed = CRC32.checksum(payload)
    guard computed == entry.crc32 else {
      throw CheckpointError.tensorChecksumMismatch(file: file, tensor: entry.name, stored: entry.crc32, computed: computed)
    }
  }
}

/// The file mapped, with a mapping failure reported as a checkpoint error.
private func mapped(_ url: URL) throws -> MappedFile {
  do { return try MappedFile(url) } catch FileIOError.unreadable(let file, let reason) {
    throw CheckpointError.unreadable(file: file, reason: reason)
  }
}

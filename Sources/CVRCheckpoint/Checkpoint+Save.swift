// Writing a checkpoint: model parameters and optimizer state streamed, tensor
// by tensor, into an atomically replaced file.
import CVRAutograd
import CVRCore
import CVROptim
import CVRFileIO
import Foundation

/// Saving, loading and inspecting checkpoint files.
///
/// File format (version 1; docs/checkpoints.md has the full description):
/// ```
/// "CVRCKPT\0" | version UInt32 LE | header length UInt64 LE | header CRC32 UInt32 LE
/// | JSON header (UTF-8) | zero padding to 64 | Float32 LE payloads, each 64-aligned
/// ```
/// The header holds `kind`, `config`, `schema`, `seed`, `step`, `metrics`,
/// `created`, `tensors` (name, shape, offset, count, crc32 per parameter) and
/// `optimizer` (null, or kind, stepCount, scalarState and its `tensors`).
/// Every byte that matters is covered by a CRC-32, and a file is only ever
/// replaced whole (`AtomicFile`), so a load either restores exactly what was
/// saved or throws a `CheckpointError` having changed nothing.
public enum Checkpoint {
  /// The format version this code writes.
  public static var formatVersion: UInt32 { CheckpointFormat.version }
  /// The format versions this code reads.
  public static var supportedVersions: ClosedRange<UInt32> { CheckpointFormat.supportedVersions }

  /// Atomically replaces `url` with a checkpoint of `parameters` (every one,
  /// trainable, frozen and state such as batch-norm running statistics; sparse
  /// tables are saved dense) and, when given, the optimizer's state tensors,
  /// step count and scalars.
  ///
  /// - Parameters:
  ///   - kind: the model kind; `load` refuses a file of another kind.
  ///   - config: the model's configuration; `load` refuses a file whose config differs.
  ///   - schema: the data schema the model reads (or `.null`).
  public static func save(
    to url: URL, kind: String, config: JSONValue, schema: JSONValue = .null, seed: UInt64, step: Int,
    metrics: [String: Double] = [:], parameters: [Parameter], optimizer: (any Optimizer)? = nil,
    training: JSONValue? = nil
  ) throws {
    try AtomicFile.write(to: url) { writer in
      try write(into: writer, kind: kind, config: config, schema: schema, seed: seed, step: step,
                metrics: metrics, parameters: parameters, optimizer: optimizer, training: training)
    }
  }

  /// `save` with any Encodable config (stored as its JSON form).
  public static func save<Config: Encodable>(
    to url: URL, kind: String, config: Config, schema: JSONValue = .null, seed: UInt64, step: Int,
    metrics: [String: Double] = [:], parameters: [Parameter], optimizer: (any Optimizer)? = nil
  ) throws {
    try save(to: url, kind: kind, config: JSONValue(encoding: config), schema: schema, seed: seed, step: step,
             metrics: metrics, parameters: parameters, optimizer: optimizer)
  }

  /// Writes a whole checkpoint into a fresh `writer` without committing it:
  /// `save` is this followed by `writer.commit()`. Payloads are streamed from
  /// the parameters' own buffers, so no copy of the model is built in memory.
  public static func write(
    into writer: AtomicFile.Writer, kind: String, config: JSONValue, schema: JSONValue = .null, seed: UInt64,
    step: Int, metrics: [String: Double] = [:], parameters: [Parameter], optimizer: (any Optimizer)? = nil,
    training: JSONValue? = nil
  ) throws {
    precondition(writer.bytesWritten == 0, "Checkpoint.write: the writer must be fresh (offsets are absolute)")
    let file = writer.target.path
    let model = try payloads(parameters.map { ($0.name, $0.shape, $0.value) }, group: .parameters, file: file)
    let state = try optimizer.map { o in
      try payloads(o.stateTensors().map { ($0.name, $0.shape, $0.buffer) }, group: .optimizer, file: file)
    }

    // The offsets are written inside the header, whose length moves the
    // payloads: grow the payload start until the header fits before it.
    var header = CheckpointHeader(
      kind: kind, config: config, schema: schema, seed: seed, step: step, metrics: metrics,
      created: ISO8601DateFormatter().string(from: Date()), tensors: [], optimizer: nil, training: training)
    var json = Data()
    var dataStart = 0
    while true {
      var offset = dataStart
      header.tensors = model.map { $0.entry(at: &offset) }
      if let optimizer, let state {
        header.optimizer = .init(
          kind: String(describing: type(of: optimizer)), stepCount: optimizer.stepCount,
          scalarState: (optimizer as? any CheckpointScalarState)?.checkpointScalars ?? [:],
          tensors: state.map { $0.entry(at: &offset) })
      }
      json = try JSONValue.encoder.encode(header)
      let needed = CheckpointFormat.aligned(CheckpointFormat.preambleSize + json.count)
      if needed <= dataStart { break }
      dataStart = needed
    }

    try writer.write(CheckpointFormat.preamble(headerLength: json.count, crc: CRC32.checksum(json)))
    try writer.write(json)
    let entries = header.tensors + (header.optimizer?.tensors ?? [])
    for (payload, entry) in zip(model + (state ?? []), entries) {
      try writer.writeZeros(entry.offset - writer.bytesWritten)
      try writer.write(UnsafeRawBufferPointer(payload.buffer))
    }
  }

  /// One tensor to write, with its checksum computed before the header is.
  private struct Payload {
    let name: String
    let shape: Shape
    let buffer: UnsafeMutableBufferPointer<Float>
    let crc: UInt32

    /// The entry placing this payload at `offset` (then advanced to the next aligned start).
    func entry(at offset: inout Int) -> CheckpointHeader.TensorEntry {
      let entry = CheckpointHeader.TensorEntry(name: name, shape: shape.dims, offset: offset, count: shape.count, crc32: crc)
      offset = CheckpointFormat.aligned(offset + entry.byteCount)
      return entry
    }
  }

  private static func payloads(
    _ tensors: [(String, Shape, UnsafeMutableBufferPointer<Float>)], group: CheckpointError.TensorGroup, file: String
  ) throws -> [Payload] {
    var seen = Set<String>()
    return try tensors.map { name, shape, buffer in
      guard seen.insert(name).inserted else {
        throw CheckpointError.duplicateTensor(file: file, group: group, tensor: name, inFile: false)
      }
      precondition(buffer.count == shape.count, "Checkpoint: '\(name)' has \(buffer.count) values for shape \(shape)")
      return Payload(name: name, shape: shape, buffer: buffer, crc: CRC32.checksum(UnsafeRawBufferPointer(buffer)))
    }
  }
}

/// Scalars an optimizer needs beyond `stepCount` to resume exactly (a
/// schedule's position, a loss scale). Optional: optimizers whose whole
/// state is `stepCount` plus `stateTensors()` need not adopt it.
public protocol CheckpointScalarState: AnyObject {
  var checkpointScalars: [String: Double] { get set }
}

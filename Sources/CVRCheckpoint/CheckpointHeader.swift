// The JSON header of a checkpoint file: what was trained, how, and where each
// tensor's bytes lie in the file.
import CVRCore
import Foundation

/// Everything in a checkpoint except the tensor payloads (see docs/checkpoints.md).
public struct CheckpointHeader: Codable, Equatable, Sendable {
  /// Where one tensor's Float32 LE values lie in the file.
  public struct TensorEntry: Codable, Equatable, Sendable {
    public var name: String
    public var shape: [Int]
    /// Byte offset from the start of the file (a multiple of 64).
    public var offset: Int
    /// Number of Float32 values (the product of `shape`).
    public var count: Int
    /// CRC-32 of the `count * 4` payload bytes.
    public var crc32: UInt32

    public init(name: String, shape: [Int], offset: Int, count: Int, crc32: UInt32) {
      self.name = name
      self.shape = shape
      self.offset = offset
      self.count = count
      self.crc32 = crc32
    }

    /// Payload size in bytes.
    public var byteCount: Int { count * MemoryLayout<Float>.size }
  }

  /// The optimizer's state, for resuming training exactly.
  public struct OptimizerState: Codable, Equatable, Sendable {
    /// The optimizer's type name, e.g. "Adam".
    public var kind: String
    public var stepCount: Int
    /// Scalars beyond the step count (see `CheckpointScalarState`); empty for most optimizers.
    public var scalarState: [String: Double]
    /// The `stateTensors()` buffers, by their "kind/param" names.
    public var tensors: [TensorEntry]

    public init(kind: String, stepCount: Int, scalarState: [String: Double], tensors: [TensorEntry]) {
      self.kind = kind
      self.stepCount = stepCount
      self.scalarState = scalarState
      self.tensors = tensors
    }
  }

  /// The model kind, e.g. "MetaCVR"; a load expecting another kind fails.
  public var kind: String
  /// The model's configuration; a load with a different config fails, naming the keys.
  public var config: JSONValue
  /// The data schema the model was trained on (null when not recorded).
  public var schema: JSONValue
  /// The seed of the run (informational: the parameters are in the file).
  public var seed: UInt64
  /// Training steps taken when the file was written.
  public var step: Int
  public var metrics: [String: Double]
  /// ISO-8601 time of writing (informational).
  public var created: String
  /// The model parameters, trainable and state, in the order they were saved.
  public var tensors: [TensorEntry]
  public var optimizer: OptimizerState?
  /// Where a training run stood when the file was written (epoch, generator
  /// state, early-stopping state, curves) so it can resume exactly; nil (and
  /// absent from the file) for checkpoints that are not resume points.
  public var training: JSONValue?

  public init(
    kind: String, config: JSONValue, schema: JSONValue, seed: UInt64, step: Int,
    metrics: [String: Double], created: String, tensors: [TensorEntry], optimizer: OptimizerState?,
    training: JSONValue? = nil
  ) {
    self.kind = kind
    self.config = config
    self.schema = schema
    self.seed = seed
    self.step = step
    self.metrics = metrics
    self.created = created
    self.tensors = tensors
    self.optimizer = optimizer
    self.training = training
  }

  // Explicit so that a null `optimizer` and `schema` are written as null
  // rather than omitted: the header always shows every field (except
  // `training`, written only by resume points, so other files keep their bytes).
  enum CodingKeys: String, CodingKey {
    case kind, config, schema, seed, step, metrics, created, tensors, optimizer, training
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(kind, forKey: .kind)
    try c.encode(config, forKey: .config)
    try c.encode(schema, forKey: .schema)
    try c.encode(seed, forKey: .seed)
    try c.encode(step, forKey: .step)
    try c.encode(metrics, forKey: .metrics)
    try c.encode(created, forKey: .created)
    try c.encode(tensors, forKey: .tensors)
    try c.encode(optimizer, forKey: .optimizer)
    try c.encodeIfPresent(training, forKey: .training)
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    kind = try c.decode(String.self, forKey: .kind)
    config = try c.decode(JSONValue.self, forKey: .config)
    schema = try c.decodeIfPresent(JSONValue.self, forKey: .schema) ?? .null
    seed = try c.decode(UInt64.self, forKey: .seed)
    step = try c.decode(Int.self, forKey: .step)
    metrics = try c.decode([String: Double].self, forKey: .metrics)
    created = try c.decode(String.self, forKey: .created)
    tensors = try c.decode([TensorEntry].self, forKey: .tensors)
    optimizer = try c.decodeIfPresent(OptimizerState.self, forKey: .optimizer)
    training = try c.decodeIfPresent(JSONValue.self, forKey: .training)
  }
}

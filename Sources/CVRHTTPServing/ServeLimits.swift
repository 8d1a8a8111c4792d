// What one request may ask of the server and how long it may wait: the limits
// `cvr serve` takes as flags, with the defaults docs/serving.md states.

/// Limits and batching of a scoring server.
public struct ServeLimits: Sendable, Equatable {
  /// Largest request body in bytes (413 beyond): 4 MiB holds ~10 000 rows of 30 columns.
  public var maxBodyBytes = 4 << 20
  /// Most rows in one request (413 beyond).
  public var maxRowsPerRequest = 4096
  /// Most rows the micro-batcher coalesces into one scoring call.
  public var maxBatchRows = 512
  /// How long the first request of a batch waits for others to join it, in seconds.
  public var maxBatchWait = 0.001
  /// How long a request may wait in the queue before it is refused with 503, in seconds.
  public var requestTimeout = 10.0
  /// Rows waiting in the queue beyond which new requests are refused with 503 (back-pressure).
  public var maxQueuedRows = 65_536
  /// Scoring threads, each with its own batch and inference tape.
  public var workers = 2
  /// Seconds an idle keep-alive connection stays open.
  public var idleTimeout = 60.0

  public init() {}

  /// Why these limits cannot run a server, or nil.
  public func problem() -> String? {
    if maxBodyBytes < 1 { return "--max-body-bytes must be at least 1" }
    if maxRowsPerRequest < 1 { return "--max-rows must be at least 1" }
    if maxBatchRows < 1 { return "--max-batch-rows must be at least 1" }
    if !(maxBatchWait >= 0 && maxBatchWait <= 10) { return "--max-batch-wait-ms must be between 0 and 10000" }
    if !(requestTimeout > 0 && requestTimeout.isFinite) { return "--request-timeout must be positive" }
    if maxQueuedRows < maxRowsPerRequest { return "--max-queued-rows must be at least --max-rows" }
    if workers < 1 || workers > 256 { return "--workers must be between 1 and 256" }
    if !(idleTimeout > 0 && idleTimeout.isFinite) { return "--idle-timeout must be positive" }
    return nil
  }
}

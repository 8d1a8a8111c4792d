// Dynamic micro-batching: requests for the same model version that wait
// together are scored as one batch on one of a fixed set of worker threads.
// A worker that becomes free takes the oldest request and, while other
// requests are still being parsed (so more are about to arrive), waits up to
// `maxBatchWait` for more of the same model, up to `maxBatchRows` rows; a lone
// request is scored at once. While every worker is busy the queue grows, so
// batches grow with the load.
import Foundation

/// The queue between request handlers and the scoring threads.
public final class MicroBatcher: @unchecked Sendable {
  /// What a handler gets back for one request.
  public typealias Completion = @Sendable (Result<ScoredRows, ServeError>) -> Void

  struct Job {
    let model: ServedModel
    let rows: RequestRows
    let enqueued: UInt64
    let completion: Completion
  }

  private let limits: ServeLimits
  private let metrics: ServingMetrics?
  private let condition = NSCondition()
  private var queue: [Job] = []
  private var head = 0
  private var queuedRows = 0
  private var gathering = false
  /// Requests whose bodies are being parsed: they will be submitted (or fail) soon.
  private var arriving = 0
  private var stopping = false
  private var threads: [Thread] = []

  public init(limits: ServeLimits, metrics: ServingMetrics? = nil) {
    self.limits = limits
    self.metrics = metrics
    for i in 0..<limits.workers {
      let worker = ScoringWorker(batchCapacity: limits.maxBatchRows)
      let thread = Thread { self.work(worker) }  // the threads keep the batcher until `shutdown`
      thread.name = "cvr-serve-worker-\(i)"
      thread.stackSize = 8 << 20
      threads.append(thread)
      thread.start()
    }
  }

  /// A request body arrived and is being parsed: a gathering worker may wait for it.
  /// Balance with `submit(…, arrived: true)` or `arrivalFailed()`.
  public func arriving(_ begin: Bool = true) {
    condition.lock()
    arriving += begin ? 1 : -1
    if !begin { condition.broadcast() }
    condition.unlock()
  }

  /// The body announced by `arriving()` will not be submitted (it did not parse).
  public func arrivalFailed() { arriving(false) }

  /// Queues `rows` for `model`; `completion` runs on a worker thread. Refuses
  /// (503, at once) when the queue already holds `maxQueuedRows` rows.
  public func submit(_ rows: RequestRows, model: ServedModel, arrived: Bool = false,
                     completion: @escaping Completion) {
    condition.lock()
    if arrived { arriving -= 1 }
    if stopping || queuedRows + rows.rowCount > limits.maxQueuedRows {
      let queued = queuedRows
      condition.unlock()
      completion(.failure(ServeError(
        status: 503, stopping ? "the server is shutting down"
          : "overloaded: \(queued) rows are waiting (--max-queued-rows \(limits.maxQueuedRows)); retry later")))
      return
    }
    queue.append(Job(model: model, rows: rows, enqueued: Self.now(), completion: completion))
    queuedRows += rows.rowCount
    condition.broadcast()
    condition.unlock()
  }

  /// `submit` for async callers.
  public func score(_ rows: RequestRows, model: ServedModel, arrived: Bool = false) async -> Result<ScoredRows, ServeError> {
    await withCheckedContinuation { continuation in
      submit(rows, model: model, arrived: arrived) { continuation.resume(returning: $0) }
    }
  }

  /// Refuses new requests, fails the queued ones and lets the workers end.
  public func shutdown() {
    condition.lock()
    stopping = true
    let left = Array(queue[head...])
    queue.removeAll()
    head = 0
    queuedRows = 0
    condition.broadcast()
    condition.unlock()
    for job in left { job.completion(.failure(ServeError(status: 503, "the server is shutting down"))) }
  }

  private var pending: Int { queue.count - head }

  private func pop() -> Job {
    let job = queue[head]
    head += 1
    queuedRows -= job.rows.rowCount
    if head > 1024 && head * 2 > queue.count {
      queue.removeFirst(head)
      head = 0
    }
    return job
  }

  private func work(_ worker: ScoringWorker) {
    while let (model, jobs) = nextBatch() {
      let results = worker.score(jobs.map(\.rows), model: model)
      let rows = jobs.reduce(0) { $0 + $1.rows.rowCount }
      metrics?.recordBatch(model: model.name, rows: rows)
      for (job, result) in zip(jobs, results) { job.completion(result) }
    }
  }

  /// The next batch: the oldest job and the jobs of the same model behind it,
  /// up to `maxBatchRows` rows or until the oldest has waited `maxBatchWait`
  /// (waiting only while other requests are being parsed).
  /// Jobs older than `requestTimeout` are failed with 503. Nil when stopping.
  private func nextBatch() -> (ServedModel, [Job])? {
    condition.lock()
    defer { condition.unlock() }
    while true {
      while !stopping && (pending == 0 || gathering) { condition.wait() }
      if stopping { return nil }
      let first = pop()
      if Double(Self.now() - first.enqueued) / 1e9 > limits.requestTimeout {
        expire(first)
        continue
      }
      gathering = true
      defer {
        gathering = false
        condition.broadcast()
      }
      var jobs = [first]
      var rows = first.rows.rowCount
      let deadline = first.enqueued + UInt64(limits.maxBatchWait * 1e9)
      while rows < limits.maxBatchRows && !stopping {
        if pending > 0 {
          let next = queue[head]
          guard next.model === first.model, rows + next.rows.rowCount <= limits.maxBatchRows else { break }
          jobs.append(pop())
          rows += next.rows.rowCount
          continue
        }
        let now = Self.now()
        guard now < deadline, arriving > 0 else { break }  // nothing on its way: score now
        _ = condition.wait(until: Date(timeIntervalSinceNow: Double(deadline - now) / 1e9))
      }
      return (first.model, jobs)
    }
  }

  private func expire(_ job: Job) {
    condition.unlock()
    job.completion(.failure(ServeError(
      status: 503, "timed out after \(limits.requestTimeout) s in the queue (--request-timeout)")))
    condition.lock()
  }

  static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

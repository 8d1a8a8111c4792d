// The served models by name. A reload loads and verifies the new checkpoint
// beside the serving one, checks it reads the same request columns, then swaps
// one pointer under a lock: requests already holding the old version finish on
// it, and a file that fails any check leaves the old version serving.
import CVRData
import CVRServing
import Foundation

/// Names to serving model versions.
public final class ModelRegistry: @unchecked Sendable {
  private let lock = NSLock()
  private var models: [String: ServedModel] = [:]
  /// Served names in the order given.
  public let names: [String]
  private let metrics: ServingMetrics?
  /// The request schema given to the server (`--schema`), checked against every version loaded.
  private let requestSchema: DataSchema?
  private let reloadLock = NSLock()

  /// Loads every `(name, checkpoint)`; the first failure throws (a server does
  /// not start with a model missing).
  public init(_ entries: [(name: String, checkpoint: String)], schema: DataSchema? = nil,
              schemaFile: String = "--schema", metrics: ServingMetrics? = nil) throws {
    var seen = Set<String>()
    for (name, _) in entries {
      guard Self.isValidName(name) else {
        throw ServeError(status: 400, "model name '\(name)' must be 1–64 letters, digits, '-', '_' or '.'")
      }
      guard seen.insert(name).inserted else { throw ServeError(status: 400, "model name '\(name)' is given twice") }
    }
    names = entries.map(\.name)
    self.metrics = metrics
    requestSchema = schema
    for (name, checkpoint) in entries {
      let model = try ServedModel(name: name, checkpoint: checkpoint, version: 1)
      if let schema { try ModelCompatibility.check(model: model.bundle.schema, data: schema, file: schemaFile) }
      models[name] = model
      metrics?.recordLoad(model)
    }
  }

  /// URL-safe names only: they appear in paths and metric labels.
  static func isValidName(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.count <= 64
      && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
  }

  /// The serving version of `name`, or nil.
  public func model(_ name: String) -> ServedModel? {
    lock.lock()
    defer { lock.unlock() }
    return models[name]
  }

  /// Loads `checkpoint` (default: the serving version's own file, re-read) as
  /// the next version of `name` and swaps it in. Throws, leaving the serving
  /// version in place, when the file fails verification or reads other columns.
  @discardableResult
  public func reload(_ name: String, checkpoint: String? = nil) throws -> ServedModel {
    reloadLock.lock()  // one reload at a time, so versions count up without gaps
    defer { reloadLock.unlock() }
    guard let current = model(name) else { throw ServeError(status: 404, "no model named '\(name)' (serving \(names))") }
    let path = checkpoint ?? current.checkpoint
    let next: ServedModel
    do {
      next = try ServedModel(name: name, checkpoint: path, version: current.version + 1)
      try ModelCompatibility.check(model: next.bundle.schema, data: requestSchema ?? current.bundle.schema,
                                   file: requestSchema == nil ? "the serving version's schema" : "--schema")
      guard next.inputs == current.inputs else {
        throw ServeError(status: 409, "reads the columns \(next.inputs.map(\.name)), the serving version \(current.inputs.map(\.name))")
      }
    } catch {
      metrics?.recordReload(model: name, ok: false)
      if let error = error as? ServeError { throw ServeError(status: error.status, "refused \(path): \(error.message); still serving version \(current.version)") }
      throw ServeError(status: 422, "refused \(path): \(error); still serving version \(current.version)")
    }
    lock.lock()
    models[name] = next
    lock.unlock()
    metrics?.recordReload(model: name, ok: true)
    metrics?.recordLoad(next)
    return next
  }

  /// Reloads every model from its own file (SIGHUP); the messages of those refused.
  public func reloadAll() -> [String] {
    names.compactMap { name in
      do { try reload(name); return nil } catch { return "\(name): \(error)" }
    }
  }
}

// The rules every YAML config file of the executables follows: read as a
// mapping, unknown keys refused with the file and the key, relative paths
// read from the file's own directory.
import Foundation
import Yams

/// A config file's parsed top level and the checks shared by train-metacvr and `cvr debias train`.
package enum ConfigFile {
  /// The YAML (or JSON) text parsed into its top-level mapping; nil for an empty document.
  ///
  /// - Throws: `ConfigFileError` "FILE: not YAML: …" or "FILE: the config must be a mapping".
  package static func mapping(_ text: String, file: String) throws -> [String: Any]? {
    let top: Any?
    do { top = try Yams.load(yaml: text) } catch { throw ConfigFileError("\(file): not YAML: \(error)") }
    guard top == nil || top is [String: Any] else { throw ConfigFileError("\(file): the config must be a mapping") }
    return top as? [String: Any]
  }

  /// The first key of `mapping` (in sorted order) that is not in `known`, as an
  /// error naming the file and the key, and listing the known keys; nil when all are known.
  /// `section` prefixes the word "key" ("training key") for nested mappings.
  package static func unknownKey(in mapping: [String: Any]?, known: [String], file: String, section: String? = nil) -> ConfigFileError? {
    guard let keys = mapping?.keys, let bad = keys.sorted().first(where: { !known.contains($0) }) else { return nil }
    let what = section.map { "\($0) key" } ?? "key"
    return ConfigFileError("\(file): unknown \(what) '\(bad.prefix(80))' (known: \(known.joined(separator: ", ")))")
  }

  /// Reads the file as UTF-8 text.
  ///
  /// - Throws: `ConfigFileError` "FILE: cannot read the config file (missing or unreadable)".
  package static func text(of url: URL) throws -> String {
    do { return try String(contentsOf: url, encoding: .utf8) } catch {
      throw ConfigFileError("\(url.path): cannot read the config file (missing or unreadable)")
    }
  }

  /// `path` if absolute (or `~/…`), else `directory/path`, standardised: how a
  /// relative path in a config file is read (against the file's directory, so the
  /// config works from wherever it is run) and how a path flag is made absolute.
  package static func resolve(_ path: String, against directory: URL) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL.path }
    return URL(fileURLWithPath: expanded, relativeTo: directory).standardizedFileURL.path
  }
}

/// A config file that cannot be used, with the file (and key) in the message.
package struct ConfigFileError: Error, CustomStringConvertible, Sendable {
  package let description: String
  package init(_ description: String) { self.description = description }
}

// The temporaries AtomicFile leaves when its process is killed mid-write:
// recognised by their exact name pattern and removed by the next write into
// the same directory once they are old enough to belong to no live writer.
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AtomicFile {
  /// A temporary younger than this (seconds since its last write) may belong to
  /// a writer still running in another process, so it is left alone: one hour.
  public static let staleTemporaryAge: Double = 3600

  /// Whether `name` is exactly an AtomicFile temporary: "." + target name +
  /// ".tmp-" + six characters of mkstemp's alphabet [A-Za-z0-9]. Anything else
  /// (a user's ".notes.tmp-1", "x.tmp-ABCDEF" without the dot) is not ours.
  public static func isTemporaryName(_ name: String) -> Bool {
    let bytes = Array(name.utf8)
    let marker = Array(".tmp-".utf8)
    guard bytes.count >= 1 + 1 + marker.count + 6, bytes[0] == UInt8(ascii: ".") else { return false }
    let suffix = bytes.suffix(6)
    guard suffix.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }) else {
      return false
    }
    return Array(bytes.dropLast(6).suffix(marker.count)) == marker
  }

  /// Removes the AtomicFile temporaries directly in `directory` that are
  /// regular files owned by this user and were last modified at least
  /// `olderThan` seconds ago; returns their paths. Errors are ignored (a
  /// sweep never fails a write).
  @discardableResult
  public static func removeStaleTemporaries(in directory: URL, olderThan age: Double = staleTemporaryAge) -> [String] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
    let now = Date().timeIntervalSince1970
    var removed: [String] = []
    for name in names where isTemporaryName(name) {
      let path = directory.appendingPathComponent(name).path
      var info = stat()
      guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid() else { continue }
      let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
      guard now - modified >= age, unlink(path) == 0 else { continue }
      removed.append(path)
    }
    return removed
  }

  /// Sweeps `directory` once per process (the first write into it), so a write
  /// costs one directory listing at most once.
  static func sweepOnce(_ directory: URL) {
    let path = directory.standardizedFileURL.path
    sweptLock.lock()
    let first = swept.insert(path).inserted
    sweptLock.unlock()
    if first { removeStaleTemporaries(in: directory) }
  }
}

nonisolated(unsafe) private var swept = Set<String>()
private let sweptLock = NSLock()

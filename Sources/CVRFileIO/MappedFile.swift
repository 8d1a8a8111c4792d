// A file mapped read-only: checkpoints and column caches read their payloads
// in place instead of holding a second copy.
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a file, mapped (pages come from the page cache on demand).
///
/// Safe to map only for files that are replaced by rename (`AtomicFile`), never
/// rewritten in place: the mapped inode then never changes under the reader.
public final class MappedFile {
  public let path: String
  public let bytes: UnsafeRawBufferPointer

  /// Maps `url`; throws `FileIOError.unreadable` naming the file and the reason.
  public init(_ url: URL) throws {
    path = url.path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw FileIOError.unreadable(file: path, reason: String(cString: strerror(errno))) }
    defer { _ = close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw FileIOError.unreadable(file: path, reason: String(cString: strerror(errno)))
    }
    // open(2) succeeds on a directory; without this the user would read "mmap: No such device".
    guard (info.st_mode & S_IFMT) != S_IFDIR else { throw FileIOError.unreadable(file: path, reason: "it is a directory") }
    let size = Int(info.st_size)
    guard size > 0 else {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
      throw FileIOError.unreadable(file: path, reason: "mmap: " + String(cString: strerror(errno)))
    }
    bytes = UnsafeRawBufferPointer(start: base, count: size)
  }

  deinit {
    if let base = bytes.baseAddress { _ = munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }
}

/// A file could not be opened, inspected or mapped.
public enum FileIOError: Error, Equatable, CustomStringConvertible {
  case unreadable(file: String, reason: String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): return "cannot read \(file): \(reason)"
    }
  }
}

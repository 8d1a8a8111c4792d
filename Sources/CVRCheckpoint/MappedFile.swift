// A checkpoint file mapped read-only, so every payload can be checked against
// its CRC and then copied without holding a second copy of the tensors.
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a file, mapped (pages come from the page cache on demand).
///
/// Safe to map because checkpoints are only ever replaced by rename
/// (`AtomicFile`): the mapped inode is never rewritten in place.
final class MappedFile {
  let path: String
  let bytes: UnsafeRawBufferPointer

  init(_ url: URL) throws {
    path = url.path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw CheckpointError.unreadable(file: path, reason: String(cString: strerror(errno))) }
    defer { _ = close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw CheckpointError.unreadable(file: path, reason: String(cString: strerror(errno)))
    }
    let size = Int(info.st_size)
    guard size > 0 else {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
      throw CheckpointError.unreadable(file: path, reason: "mmap: " + String(cString: strerror(errno)))
    }
    bytes = UnsafeRawBufferPointer(start: base, count: size)
  }

  deinit {
    if let base = bytes.baseAddress { _ = munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }
}

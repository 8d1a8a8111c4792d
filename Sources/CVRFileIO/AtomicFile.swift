// Crash-safe file replacement: bytes go to a temporary file beside the target,
// reach the disk, and only then take the target's name in one rename.
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that a reader (or the next run after a crash or power
/// loss) sees either the complete old file or the complete new one, never a
/// prefix.
///
/// Protocol: create a uniquely named temporary in the target's directory
/// (`mkstemp`, so concurrent writers never collide), write, `fsync` the file,
/// `rename` it over the target (atomic within one file system, hence the same
/// directory), then `fsync` the directory so the rename itself is durable. On
/// any failure before the rename the temporary is removed and the target is
/// untouched. Only a process killed mid-write can leave a `.<name>.tmp-XXXXXX`
/// file behind; the target is intact either way, and the first write of a
/// later process into that directory removes such leftovers once they are an
/// hour old (`removeStaleTemporaries`: our exact name pattern only).
///
/// The directory must exist. The new file takes the old target's permission
/// bits, or 0644 when there was none.
public enum AtomicFile {
  /// Replaces `url` with `data`.
  public static func write(_ data: Data, to url: URL) throws {
    try write(to: url) { writer in try writer.write(data) }
  }

  /// Replaces `url` with whatever `body` writes to the streaming writer, so a
  /// large file never has to exist in memory at once. If `body` throws, the
  /// temporary is removed, the target is untouched, and the error propagates.
  public static func write(to url: URL, _ body: (Writer) throws -> Void) throws {
    let writer = try Writer(replacing: url)
    do {
      try body(writer)
      try writer.commit()
    } catch {
      writer.abort()
      throw error
    }
  }

  /// A temporary file that becomes the target on `commit()`.
  ///
  /// Dropped or `abort()`ed without a commit, it removes its temporary and the
  /// target keeps its old content (this is also how tests simulate a crash
  /// between writing and renaming).
  public final class Writer {
    /// The file this writer will replace.
    public let target: URL
    /// The temporary being written (gone after commit or abort).
    public let temporary: URL
    /// Bytes written so far: the offset of the next byte.
    public private(set) var bytesWritten = 0
    private var descriptor: Int32
    private var isFinished = false

    /// Creates the temporary next to `target`.
    public init(replacing target: URL) throws {
      self.target = target
      let directory = target.deletingLastPathComponent()
      AtomicFile.sweepOnce(directory)
      var template = Array(directory.appendingPathComponent(".\(target.lastPathComponent).tmp-XXXXXX").path.utf8CString)
      let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
      let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
      guard fd >= 0 else { throw AtomicFileError(operation: "create a temporary file", path: path, code: errno) }
      descriptor = fd
      temporary = URL(fileURLWithPath: path)
      var old = stat()
      let mode: mode_t = stat(target.path, &old) == 0 ? old.st_mode & 0o7777 : 0o644
      guard fchmod(fd, mode) == 0 else {
        let code = errno
        abort()
        throw AtomicFileError(operation: "set permissions", path: path, code: code)
      }
    }

    deinit { abort() }

    /// Appends `bytes` (any size; short writes and EINTR are retried).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
      precondition(!isFinished, "AtomicFile.Writer: write after commit or abort (\(target.path))")
      guard var p = bytes.baseAddress else { return }
      var remaining = bytes.count
      while remaining > 0 {
        let n = systemWrite(descriptor, p, remaining)
        if n < 0 {
          if errno == EINTR { continue }
          throw AtomicFileError(operation: "write", path: temporary.path, code: errno)
        }
        p += n
        remaining -= n
        bytesWritten += n
      }
    }

    /// Appends the bytes of `data`.
    public func write(_ data: Data) throws {
      try data.withUnsafeBytes { try write($0) }
    }

    /// Appends `count` zero bytes (alignment padding).
    public func writeZeros(_ count: Int) throws {
      precondition(count >= 0, "AtomicFile.Writer: negative padding \(count)")
      let zeros = [UInt8](repeating: 0, count: min(count, 65_536))
      var remaining = count
      while remaining > 0 {
        let n = min(remaining, zeros.count)
        try zeros.withUnsafeBytes { try write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        remaining -= n
      }
    }

    /// Makes the written bytes the target: fsync, close, rename, fsync the directory.
    public func commit() throws {
      precondition(!isFinished, "AtomicFile.Writer: commit after commit or abort (\(target.path))")
      // The rename must not reach the disk before the bytes it publishes.
      guard fsync(descriptor) == 0 else {
        let code = errno
        abort()
        throw AtomicFileError(operation: "fsync", path: temporary.path, code: code)
      }
      let closed = close(descriptor)
      descriptor = -1
      guard closed == 0 else {
        let code = errno
        abort()
        throw AtomicFileError(operation: "close", path: temporary.path, code: code)
      }
      guard rename(temporary.path, target.path) == 0 else {
        let code = errno
        abort()
        throw AtomicFileError(operation: "rename over the target", path: target.path, code: code)
      }
      isFinished = true
      try AtomicFile.syncDirectory(of: target)
    }

    /// Closes and removes the temporary; the target is untouched. Idempotent.
    public func abort() {
      guard !isFinished else { return }
      isFinished = true
      if descriptor >= 0 { _ = close(descriptor) }
      descriptor = -1
      _ = unlink(temporary.path)
    }
  }

  /// Flushes the directory entry of `url` (the rename) to disk. File systems
  /// that cannot sync a directory (EINVAL) are accepted as they are.
  static func syncDirectory(of url: URL) throws {
    let directory = url.deletingLastPathComponent().path
    let fd = open(directory, O_RDONLY | O_DIRECTORY)
    guard fd >= 0 else { throw AtomicFileError(operation: "open the directory for fsync", path: directory, code: errno) }
    defer { _ = close(fd) }
    guard fsync(fd) == 0 || errno == EINVAL else {
      throw AtomicFileError(operation: "fsync the directory", path: directory, code: errno)
    }
  }
}

/// A failed system call while writing a file atomically.
public struct AtomicFileError: Error, CustomStringConvertible {
  public let operation: String
  public let path: String
  /// The `errno` value.
  public let code: Int32

  public var description: String {
    "\(path): \(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
  }
}

/// `write(2)`, named apart from `Writer.write` so the call is not taken as recursion.
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
  return Glibc.write(fd, p, count)
  #else
  return Darwin.write(fd, p, count)
  #endif
}

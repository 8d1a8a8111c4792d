// AtomicFile: the target is replaced whole or not at all, and no temporary
// file survives a success or a failure.
import CVRFileIO
import CVRTestSupport
import Foundation
import Testing

private struct Interrupted: Error {}

@Suite struct AtomicFileTests {
  @Test func writesAndReplacesLeavingOnlyTheTarget() throws {
    let dir = try scratchDirectory()
    let url = dir.appendingPathComponent("report.json")
    try AtomicFile.write(Data("first".utf8), to: url)
    #expect(try Data(contentsOf: url) == Data("first".utf8))
    try AtomicFile.write(Data("second, longer".utf8), to: url)
    #expect(try Data(contentsOf: url) == Data("second, longer".utf8))
    #expect(try entries(of: dir) == ["report.json"])
  }

  @Test func newFilesAre0644AndReplacementsKeepTheOldMode() throws {
    let dir = try scratchDirectory()
    let url = dir.appendingPathComponent("out.csv")
    try AtomicFile.write(Data("a".utf8), to: url)
    let mode = { try (FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as! NSNumber).intValue }
    #expect(try mode() == 0o644)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    try AtomicFile.write(Data("b".utf8), to: url)
    #expect(try mode() == 0o600)
  }

  @Test func streamsManyChunksAndPadding() throws {
    let dir = try scratchDirectory()
    let url = dir.appendingPathComponent("big.bin")
    var expected = [UInt8]()
    try AtomicFile.write(to: url) { writer in
      for chunk in 0..<300 {
        let bytes = [UInt8](repeating: UInt8(chunk % 251), count: 1000 + chunk)
        try bytes.withUnsafeBytes { try writer.write($0) }
        expected += bytes
        #expect(writer.bytesWritten == expected.count)
      }
      try writer.writeZeros(100_000)
      expected += [UInt8](repeating: 0, count: 100_000)
    }
    #expect([UInt8](try Data(contentsOf: url)) == expected)
    #expect(try entries(of: dir) == ["big.bin"])
  }

  @Test func aFailingBodyLeavesTheOldFileAndNoTemporary() throws {
    let dir = try scratchDirectory()
    let url = dir.appendingPathComponent("state.bin")
    try AtomicFile.write(Data("old".utf8), to: url)
    #expect(throws: Interrupted.self) {
      try AtomicFile.write(to: url) { writer in
        try writer.write(Data(repeating: 7, count: 10_000))
        throw Interrupted()
      }
    }
    #expect(try Data(contentsOf: url) == Data("old".utf8))
    #expect(try entries(of: dir) == ["state.bin"])
  }

  @Test func theTargetKeepsItsOldContentUntilCommit() throws {
    let dir = try scratchDirectory()
    let url = dir.appendingPathComponent("model.ckpt")
    try AtomicFile.write(Data("old".utf8), to: url)
    let writer = try AtomicFile.Writer(replacing: url)
    try writer.write(Data("new".utf8))
    // Between write and rename: the target is the old file, the bytes are in a hidden temporary.
    #expect(try Data(contentsOf: url) == Data("old".utf8))
    #expect(try entries(of: dir) == [writer.temporary.lastPathComponent, "model.ckpt"].sorted())
    #expect(writer.temporary.lastPathComponent.hasPrefix(".model.ckpt.tmp-"))
    try writer.commit()
    #expect(try Data(contentsOf: url) == Data("new".utf8))
    #expect(try entries(of: dir) == ["model.ckpt"])
  }

  @Test func abortAndDroppingAWriterRemoveTheTemporary() throws {
    let dir = try scratchDirectory()
    let url = dir.appendingPathComponent("x.bin")
    let writer = try AtomicFile.Writer(replacing: url)
    try writer.write(Data("partial".utf8))
    writer.abort()
    #expect(try entries(of: dir).isEmpty)
    do {
      let dropped = try AtomicFile.Writer(replacing: url)
      try dropped.write(Data("partial".utf8))
    }
    #expect(try entries(of: dir).isEmpty)
  }

  @Test func aFailedRenameThrowsAndRemovesTheTemporary() throws {
    let dir = try scratchDirectory()
    // A non-empty directory under the target name: rename(2) over it fails.
    let url = dir.appendingPathComponent("blocked")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    try Data("keep".utf8).write(to: url.appendingPathComponent("inside"))
    do {
      try AtomicFile.write(Data("new".utf8), to: url)
      Issue.record("the rename over a non-empty directory should have failed")
    } catch let error as AtomicFileError {
      #expect(error.operation.contains("rename"))
      #expect(error.description.contains(url.path))
    }
    #expect(try entries(of: dir) == ["blocked"])
    #expect(try entries(of: url) == ["inside"])
  }

  @Test func aMissingDirectoryFailsBeforeWriting() throws {
    let dir = try scratchDirectory()
    let url = dir.appendingPathComponent("no/such/dir/file.json")
    #expect(throws: AtomicFileError.self) { try AtomicFile.write(Data("x".utf8), to: url) }
    #expect(try entries(of: dir).isEmpty)
  }
}

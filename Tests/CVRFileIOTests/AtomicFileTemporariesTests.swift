// Stale temporaries of killed writers: the next write into the directory
// removes AtomicFile's own leftovers once they are old, and nothing else.
import CVRFileIO
import CVRTestSupport
import Foundation
import Testing

@Suite struct AtomicFileTemporariesTests {
  @Test func theNamePatternIsExact() {
    #expect(AtomicFile.isTemporaryName(".model.ckpt.tmp-a1B2c3"))
    #expect(AtomicFile.isTemporaryName(".x.tmp-ZZZZZZ"))
    for name in ["model.ckpt.tmp-a1B2c3", ".model.ckpt.tmp-a1B2c", ".model.ckpt.tmp-a1B2c3d", ".model.ckpt.tmp-a1B2c_",
                 ".tmp-a1B2c3", "..tmp-a1B2c3", ".notes.tmp", ".model.ckpt.TMP-a1B2c3"] {
      #expect(!AtomicFile.isTemporaryName(name), "\(name)")
    }
  }

  @Test func onlyOldTemporariesOfOursAreRemoved() throws {
    let directory = try scratchDirectory()
    func make(_ name: String, ageSeconds: Double) throws -> URL {
      let url = directory.appendingPathComponent(name)
      try Data(repeating: 7, count: 100).write(to: url)
      let date = Date(timeIntervalSinceNow: -ageSeconds)
      try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: url.path)
      return url
    }
    let stale = try make(".metrics.json.tmp-Ab3dE9", ageSeconds: 2 * 3600)
    let young = try make(".report.md.tmp-Zx81Qp", ageSeconds: 60)
    let user = try make(".notes.tmp-1", ageSeconds: 2 * 3600)
    let userToo = try make("data.tmp-Ab3dE9", ageSeconds: 2 * 3600)
    try AtomicFile.write(Data("x".utf8), to: directory.appendingPathComponent("new.txt"))
    let fm = FileManager.default
    #expect(!fm.fileExists(atPath: stale.path), "the stale temporary is still there")
    #expect(fm.fileExists(atPath: young.path) && fm.fileExists(atPath: user.path) && fm.fileExists(atPath: userToo.path))
    // An explicit sweep with age 0 (a locked run directory) takes the young one too, still not the user's.
    #expect(AtomicFile.removeStaleTemporaries(in: directory, olderThan: 0) == [young.path])
    #expect(try entries(of: directory) == [".notes.tmp-1", "data.tmp-Ab3dE9", "new.txt"])
  }
}

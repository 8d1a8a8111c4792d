// Every way a checkpoint can be wrong gives its own error case, names the
// file and the culprit, and leaves the model and optimizer untouched.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRFileIO
import CVRTestSupport
import Foundation
import Testing

/// A saved plain checkpoint and a set of target parameters with other values.
private struct Fixture {
  let url: URL
  let saved = plainParameters(seed: 1)
  let targets = plainParameters(seed: 2)
  let header: CheckpointHeader

  init(config: TinyConfig = TinyConfig()) throws {
    url = try scratchDirectory().appendingPathComponent("model.ckpt")
    try Checkpoint.save(to: url, kind: "plain", config: config, seed: 1, step: 7, parameters: saved)
    header = try Checkpoint.readHeader(from: url)
  }

  /// Loads into `parameters` (default: the targets), returning the error.
  func loadError(_ parameters: [Parameter]? = nil, kind: String = "plain", config: TinyConfig? = TinyConfig()) -> CheckpointError? {
    checkpointError {
      if let config {
        try Checkpoint.load(from: url, into: parameters ?? targets, expecting: kind, config: config)
      } else {
        try Checkpoint.load(from: url, into: parameters ?? targets, expecting: kind, config: nil)
      }
    }
  }

  /// The targets still hold their own values, not the file's.
  var targetsUntouched: Bool { bits(targets) == bits(plainParameters(seed: 2)) }
}

@Suite struct CheckpointErrorTests {
  @Test func truncatedPayload() throws {
    let f = try Fixture()
    let size = try Data(contentsOf: f.url).count
    try editFile(f.url) { $0.removeLast(5) }
    let error = f.loadError()
    guard case .truncatedTensor(let file, "c", let end, let fileSize) = error else {
      Issue.record("got \(String(describing: error))"); return
    }
    #expect(file == f.url.path && end == size && fileSize == size - 5)
    #expect(error!.description == "\(f.url.path): truncated: tensor 'c' ends at byte \(size), the file has \(size - 5) bytes")
    #expect(f.targetsUntouched)
  }

  @Test func truncatedHeaderAndPreamble() throws {
    let f = try Fixture()
    try editFile(f.url) { $0.removeLast($0.count - 40) }
    guard case .truncatedHeader(_, _, 40) = f.loadError() else { Issue.record("got \(String(describing: f.loadError()))"); return }
    try editFile(f.url) { $0.removeLast(30) }
    guard case .truncatedPreamble(_, 10) = f.loadError() else { Issue.record("got \(String(describing: f.loadError()))"); return }
    try editFile(f.url) { $0.removeAll() }
    guard case .truncatedPreamble(_, 0) = f.loadError() else { Issue.record("got \(String(describing: f.loadError()))"); return }
    #expect(f.targetsUntouched)
  }

  @Test func flippedPayloadByteInTheLastTensor() throws {
    let f = try Fixture()
    // The last tensor: a loader that copied as it checked would already have written the others.
    let entry = f.header.tensors[2]
    try editFile(f.url) { $0[entry.offset + 4 * entry.count - 1] ^= 0x10 }
    let error = f.loadError()
    guard case .tensorChecksumMismatch(_, "c", let stored, let computed) = error else {
      Issue.record("got \(String(describing: error))"); return
    }
    #expect(stored == entry.crc32 && computed != stored)
    #expect(error!.description.hasPrefix("\(f.url.path): tensor 'c' is corrupt: CRC32 0x"))
    #expect(f.targetsUntouched)
    #expect(throws: CheckpointError.self) { try Checkpoint.verify(at: f.url) }
  }

  @Test func flippedHeaderByte() throws {
    let f = try Fixture()
    try editFile(f.url) { $0[24 + 30] ^= 0x01 }
    guard case .headerChecksumMismatch = f.loadError() else { Issue.record("got \(String(describing: f.loadError()))"); return }
    guard case .headerChecksumMismatch = checkpointError({ _ = try Checkpoint.readHeader(from: f.url) }) else {
      Issue.record("readHeader should check the CRC too"); return
    }
    #expect(f.targetsUntouched)
  }

  @Test func wrongVersion() throws {
    let f = try Fixture()
    try editFile(f.url) { $0[8] = 2 }
    let error = f.loadError()
    guard case .unsupportedVersion(_, 2, 1...1) = error else { Issue.record("got \(String(describing: error))"); return }
    #expect(error!.description == "\(f.url.path): format version 2 is not supported (this code reads 1...1)")
    #expect(f.targetsUntouched)
  }

  @Test func wrongMagic() throws {
    let f = try Fixture()
    try editFile(f.url) { $0[0] = UInt8(ascii: "X") }
    guard case .badMagic(_, let found) = f.loadError() else { Issue.record("got \(String(describing: f.loadError()))"); return }
    #expect(found == Array("XVRCKPT".utf8) + [0])
    #expect(f.targetsUntouched)
  }

  @Test func malformedHeaderWithAValidChecksum() throws {
    let url = try scratchDirectory().appendingPathComponent("bad.ckpt")
    let json = Array(#"{"kind": "plain"}"#.utf8)
    var bytes = Array("CVRCKPT".utf8) + [0, 1, 0, 0, 0]
    bytes += withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init)
    bytes += withUnsafeBytes(of: CRC32.checksum(json).littleEndian, Array.init)
    try Data(bytes + json).write(to: url)
    let error = checkpointError { try Checkpoint.load(from: url, into: [], expecting: "plain", config: nil) }
    guard case .malformedHeader = error else { Issue.record("got \(String(describing: error))"); return }
  }

  @Test func shapeMismatch() throws {
    let f = try Fixture()
    let targets = f.targets
    let wrong = [Parameter("a", shape: Shape(3, 5))] + targets[1...]
    let error = f.loadError(wrong)
    guard case .shapeMismatch(_, .parameters, "a", [3, 4], [3, 5]) = error else {
      Issue.record("got \(String(describing: error))"); return
    }
    #expect(error!.description == "\(f.url.path): tensor 'a' has shape [3, 4] in the file, the model expects [3, 5]")
    #expect(f.targetsUntouched)
  }

  @Test func missingParameter() throws {
    let f = try Fixture()
    let error = f.loadError(f.targets + [Parameter("mlp.9.bias", shape: Shape(4))])
    guard case .missingTensors(_, .parameters, ["mlp.9.bias"]) = error else {
      Issue.record("got \(String(describing: error))"); return
    }
    #expect(error!.description.contains("missing from the file: mlp.9.bias"))
    #expect(f.targetsUntouched)
  }

  @Test func unexpectedParameter() throws {
    let f = try Fixture()
    let targets = f.targets
    let error = f.loadError(Array(targets[0..<2]))
    guard case .unexpectedTensors(_, .parameters, ["c"]) = error else {
      Issue.record("got \(String(describing: error))"); return
    }
    #expect(f.targetsUntouched)
  }

  @Test func duplicateNamesInTheModel() throws {
    let f = try Fixture()
    let error = f.loadError(f.targets + [Parameter("a", shape: Shape(3, 4))])
    guard case .duplicateTensor(_, .parameters, "a", false) = error else { Issue.record("got \(String(describing: error))"); return }
    let saveError = checkpointError {
      try Checkpoint.save(to: f.url, kind: "plain", config: JSONValue.null, seed: 0, step: 0,
                          parameters: [Parameter("x", shape: Shape(1)), Parameter("x", shape: Shape(1))])
    }
    guard case .duplicateTensor(_, .parameters, "x", false) = saveError else { Issue.record("got \(String(describing: saveError))"); return }
    #expect(try Checkpoint.verify(at: f.url).step == 7, "a refused save must leave the old file")
  }

  @Test func configMismatchNamesEachKey() throws {
    let f = try Fixture()
    var other = TinyConfig()
    other.widths = [5, 8, 3]
    other.dropout = 0.5
    let error = f.loadError(config: other)
    guard case .configMismatch(_, let differences) = error else { Issue.record("got \(String(describing: error))"); return }
    #expect(differences.map(\.path) == ["dropout", "widths[1]"])
    #expect(error!.description == "\(f.url.path): config differs from the model's: key 'dropout' is 0.25 in the file, "
      + "the model has 0.5; key 'widths[1]' is 7 in the file, the model has 8")
    #expect(f.targetsUntouched)
    // nil skips the config check (tools that only want the values).
    #expect(f.loadError(config: nil) == nil)
    #expect(bits(f.targets) == bits(f.saved))
  }

  @Test func configKeysPresentOnOneSideOnly() {
    let file = JSONValue.object(["a": .integer(1), "old": .bool(true)])
    let model = JSONValue.object(["a": .number(1.0), "new": .string("x")])
    #expect(file.differences(from: model).map(\.description) == [
      "key 'new' is missing in the file, the model has \"x\"",
      "key 'old' is true in the file, the model has no such key",
    ])
    #expect(JSONValue.integer(1) == .number(1))
  }

  @Test func kindMismatch() throws {
    let f = try Fixture()
    guard case .kindMismatch(_, "plain", "MetaCVR") = f.loadError(kind: "MetaCVR") else {
      Issue.record("got \(String(describing: f.loadError(kind: "MetaCVR")))"); return
    }
    #expect(f.targetsUntouched)
  }

  @Test func optimizerErrorsLeaveModelAndOptimizerUntouched() throws {
    let f = try Fixture()
    // Saved without optimizer state, loaded with an optimizer.
    let optimizer = MomentumSGD(f.targets)
    let missing = checkpointError {
      try Checkpoint.load(from: f.url, into: f.targets, optimizer: optimizer, expecting: "plain", config: nil)
    }
    guard case .missingOptimizerState = missing else { Issue.record("got \(String(describing: missing))"); return }

    // Saved with MomentumSGD state, loaded with another optimizer type.
    let source = MomentumSGD(f.saved)
    source.stepCount = 5
    for t in source.stateTensors() { t.buffer.update(repeating: 3) }
    try Checkpoint.save(to: f.url, kind: "plain", config: TinyConfig(), seed: 1, step: 7, parameters: f.saved, optimizer: source)
    let wrongKind = checkpointError {
      try Checkpoint.load(from: f.url, into: f.targets, optimizer: PlainSGD(f.targets), expecting: "plain", config: nil)
    }
    guard case .optimizerKindMismatch(_, "MomentumSGD", "PlainSGD") = wrongKind else {
      Issue.record("got \(String(describing: wrongKind))"); return
    }

    // A corrupt optimizer payload (the last bytes of the file): nothing changes anywhere.
    let last = try #require(try Checkpoint.readHeader(from: f.url).optimizer?.tensors.last)
    try editFile(f.url) { $0[last.offset] ^= 0xFF }
    let corrupt = checkpointError {
      try Checkpoint.load(from: f.url, into: f.targets, optimizer: optimizer, expecting: "plain", config: nil)
    }
    guard case .tensorChecksumMismatch(_, last.name, _, _) = corrupt else { Issue.record("got \(String(describing: corrupt))"); return }
    #expect(f.targetsUntouched)
    #expect(optimizer.stepCount == 0)
    #expect(optimizer.stateTensors().allSatisfy { $0.buffer.allSatisfy { $0 == 0 } })

    // Loading for inference ignores the optimizer part, corrupt or not.
    #expect(f.loadError(config: nil) == nil)
  }

  @Test func aMissingFileIsUnreadable() throws {
    let url = try scratchDirectory().appendingPathComponent("absent.ckpt")
    guard case .unreadable(url.path, _) = checkpointError({ _ = try Checkpoint.readHeader(from: url) }) else {
      Issue.record("expected .unreadable"); return
    }
  }
}

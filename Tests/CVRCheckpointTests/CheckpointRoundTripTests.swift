// Save then load restores every value bit for bit: plain parameters (sparse
// tables and state included), a batch-norm MLP's predictions, the header, and
// a training run resumed from a checkpoint.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRFileIO
import CVRLayers
import CVRTestSupport
import Foundation
import Testing

@Suite struct CheckpointRoundTripTests {
  @Test func valuesAndHeaderRoundTripExactly() throws {
    let dir = try scratchDirectory()
    let url = dir.appendingPathComponent("plain.ckpt")
    let saved = plainParameters(seed: 1)
    saved[0].value[0] = .nan
    saved[0].value[1] = -0.0
    saved[0].value[2] = .infinity
    let schema = JSONValue.object(["fields": .array([.string("user_id"), .string("item_id")]), "version": .integer(3)])
    try Checkpoint.save(to: url, kind: "plain", config: TinyConfig(), schema: schema, seed: .max, step: 1234,
                        metrics: ["auc": 0.7531, "loss": .nan], parameters: saved)
    let loaded = plainParameters(seed: 2)
    #expect(bits(loaded) != bits(saved))
    let header = try Checkpoint.load(from: url, into: loaded, expecting: "plain", config: TinyConfig())
    #expect(bits(loaded) == bits(saved))
    #expect(header.kind == "plain")
    #expect(try header.config.decode(TinyConfig.self) == TinyConfig())
    #expect(header.schema == schema)
    #expect(header.seed == .max)
    #expect(header.step == 1234)
    #expect(header.metrics["auc"] == 0.7531)
    #expect(header.metrics["loss"]?.isNaN == true)
    #expect(header.tensors.map(\.name) == ["a", "table", "c"])
    #expect(header.tensors.map(\.shape) == [[3, 4], [6, 2], [2, 2, 3]])
    #expect(header.optimizer == nil)
    // NaN ≠ NaN: compare the other headers with the NaN metric taken out.
    func withoutNaN(_ h: CheckpointHeader) -> CheckpointHeader {
      var h = h
      h.metrics["loss"] = nil
      return h
    }
    #expect(withoutNaN(try Checkpoint.readHeader(from: url)) == withoutNaN(header))
    #expect(withoutNaN(try Checkpoint.verify(at: url)) == withoutNaN(header))
    #expect(try entries(of: dir) == ["plain.ckpt"])
  }

  @Test func fileLayoutMatchesTheDocumentedFormat() throws {
    let url = try scratchDirectory().appendingPathComponent("layout.ckpt")
    let parameters = plainParameters(seed: 3)
    try Checkpoint.save(to: url, kind: "plain", config: JSONValue.null, seed: 0, step: 0, parameters: parameters)
    let bytes = [UInt8](try Data(contentsOf: url))
    #expect(Array(bytes[0..<8]) == Array("CVRCKPT".utf8) + [0])
    let u32 = { (at: Int) in bytes[at..<(at + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    let headerLength = bytes[12..<20].reversed().reduce(0) { $0 << 8 | Int($1) }
    #expect(u32(8) == 1)
    #expect(u32(20) == CRC32.checksum(bytes[24..<(24 + headerLength)]))
    let header = try Checkpoint.readHeader(from: url)
    let firstOffset = header.tensors[0].offset
    #expect(firstOffset == (24 + headerLength + 63) / 64 * 64)
    #expect(bytes[(24 + headerLength)..<firstOffset].allSatisfy { $0 == 0 })
    for (entry, p) in zip(header.tensors, parameters) {
      #expect(entry.offset % 64 == 0)
      #expect(entry.count == p.shape.count)
      let payload = bytes[entry.offset..<(entry.offset + 4 * entry.count)]
      #expect(entry.crc32 == CRC32.checksum(payload))
      let floats = stride(from: entry.offset, to: entry.offset + 4 * entry.count, by: 4).map { at in
        Float(bitPattern: u32(at))
      }
      #expect(bits(floats) == bits(p.values()))
    }
  }

  @Test func batchNormModelPredictsIdenticallyAfterLoad() throws {
    let url = try scratchDirectory().appendingPathComponent("mlp.ckpt")
    let trained = makeModel(seed: 1)
    let optimizer = MomentumSGD(trained.parameters)
    let tape = Tape()
    for step in 0..<3 { trainStep(trained, optimizer, step: step, tape: tape) }
    let runningMean = trained.norms[0]!.runningMean.values()
    #expect(runningMean.contains { $0 != 0 }, "training should have moved the running statistics")
    try Checkpoint.save(to: url, kind: "tiny-mlp", config: TinyConfig(), seed: 1, step: 3, parameters: trained.parameters)

    let fresh = makeModel(seed: 77)
    #expect(bits(predictions(fresh)) != bits(predictions(trained)))
    try Checkpoint.load(from: url, into: fresh.parameters, expecting: "tiny-mlp", config: TinyConfig())
    #expect(bits(fresh.parameters) == bits(trained.parameters))
    #expect(bits(predictions(fresh)) == bits(predictions(trained)))
  }

  @Test func resumedTrainingIsBitIdenticalToAnUninterruptedRun() throws {
    let url = try scratchDirectory().appendingPathComponent("resume.ckpt")
    let total = 10, checkpointStep = 4

    let uninterrupted = makeModel(seed: 5)
    let optimizerA = MomentumSGD(uninterrupted.parameters)
    let tapeA = Tape()
    for step in 0..<total { trainStep(uninterrupted, optimizerA, step: step, tape: tapeA) }

    let first = makeModel(seed: 5)
    let optimizerB = MomentumSGD(first.parameters)
    let tapeB = Tape()
    for step in 0..<checkpointStep { trainStep(first, optimizerB, step: step, tape: tapeB) }
    try Checkpoint.save(to: url, kind: "tiny-mlp", config: TinyConfig(), seed: 5, step: checkpointStep,
                        parameters: first.parameters, optimizer: optimizerB)

    // Fresh objects, initialised differently, restored from the file.
    let resumed = makeModel(seed: 6)
    let optimizerC = MomentumSGD(resumed.parameters)
    let header = try Checkpoint.load(from: url, into: resumed.parameters, optimizer: optimizerC,
                                     expecting: "tiny-mlp", config: TinyConfig())
    #expect(header.step == checkpointStep)
    #expect(optimizerC.stepCount == checkpointStep)
    #expect(optimizerC.learningRate == optimizerB.learningRate)
    let tapeC = Tape()
    for step in header.step..<total { trainStep(resumed, optimizerC, step: step, tape: tapeC) }
    #expect(bits(resumed.parameters) == bits(uninterrupted.parameters))
    #expect(optimizerC.stepCount == total)

    // Without the optimizer state (momentum and learning rate) the run diverges:
    // the comparison above can fail.
    let withoutState = makeModel(seed: 6)
    let optimizerD = MomentumSGD(withoutState.parameters)
    try Checkpoint.load(from: url, into: withoutState.parameters, expecting: "tiny-mlp", config: TinyConfig())
    for step in checkpointStep..<total { trainStep(withoutState, optimizerD, step: step, tape: tapeC) }
    #expect(bits(withoutState.parameters) != bits(uninterrupted.parameters))
  }

  @Test func optimizerStateIsInTheHeader() throws {
    let url = try scratchDirectory().appendingPathComponent("opt.ckpt")
    let model = makeModel(seed: 8)
    let optimizer = MomentumSGD(model.parameters)
    trainStep(model, optimizer, step: 0, tape: Tape())
    try Checkpoint.save(to: url, kind: "tiny-mlp", config: TinyConfig(), seed: 8, step: 1,
                        parameters: model.parameters, optimizer: optimizer)
    let state = try #require(try Checkpoint.verify(at: url).optimizer)
    #expect(state.kind == "MomentumSGD")
    #expect(state.stepCount == 1)
    #expect(state.scalarState["learningRate"] == Double(optimizer.learningRate))
    #expect(state.tensors.map(\.name) == optimizer.stateTensors().map(\.name))
    #expect(state.tensors.allSatisfy { $0.name.hasPrefix("momentum/mlp.") })
  }

  @Test func aCrashBetweenWriteAndRenameLeavesThePreviousCheckpoint() throws {
    let dir = try scratchDirectory()
    let url = dir.appendingPathComponent("model.ckpt")
    let old = plainParameters(seed: 10)
    try Checkpoint.save(to: url, kind: "plain", config: JSONValue.null, seed: 0, step: 100, parameters: old)

    // The next checkpoint is fully written but the process "dies" before the rename.
    let newer = plainParameters(seed: 11)
    let writer = try AtomicFile.Writer(replacing: url)
    try Checkpoint.write(into: writer, kind: "plain", config: .null, seed: 0, step: 200, parameters: newer)
    let loaded = plainParameters(seed: 12)
    let header = try Checkpoint.load(from: url, into: loaded, expecting: "plain", config: nil)
    #expect(header.step == 100)
    #expect(bits(loaded) == bits(old))
    writer.abort()
    #expect(try entries(of: dir) == ["model.ckpt"])

    // A save whose rename fails (a directory holds the final name) leaves no file behind.
    let blocked = dir.appendingPathComponent("blocked.ckpt")
    try FileManager.default.createDirectory(at: blocked.appendingPathComponent("x"), withIntermediateDirectories: true)
    #expect(throws: AtomicFileError.self) {
      try Checkpoint.save(to: blocked, kind: "plain", config: JSONValue.null, seed: 0, step: 1, parameters: newer)
    }
    #expect(try entries(of: dir) == ["blocked.ckpt", "model.ckpt"])
    #expect(try Checkpoint.verify(at: url).step == 100)
  }
}

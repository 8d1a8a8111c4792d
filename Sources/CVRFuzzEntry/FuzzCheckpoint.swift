// Harness (c): bytes as a checkpoint file: verify, read the header, load into
// a fixed two-tensor model with and without an optimizer.
import CVRAutograd
import CVRCheckpoint
import CVRCore
import CVRFileIO
import CVROptim
import Foundation

/// The model the harness loads into, and that Fuzz/corpus/checkpoint was saved from.
public enum FuzzCheckpointModel {
  public static let kind = "fuzz"

  /// Two parameters ("w" [2, 3] and "b" [3]), fresh per call so no load leaks into the next.
  public static func parameters() -> [Parameter] {
    [Parameter("w", shape: Shape(2, 3)), Parameter("b", shape: Shape(3))]
  }
}

/// Runs the readers on the bytes as given, then again with the header CRC
/// made to match, so mutations of the JSON header reach the JSON decoder and
/// the entry checks instead of stopping at the checksum.
public func fuzzCheckpoint(_ bytes: UnsafeRawBufferPointer) {
  withScratchFile(bytes, suffix: "ckpt", readCheckpoint)
  var fixed = [UInt8](bytes)
  guard fixHeaderChecksum(&fixed) else { return }
  fixed.withUnsafeBytes { withScratchFile($0, suffix: "ckpt", readCheckpoint) }
}

private func readCheckpoint(_ url: URL) {
  _ = try? Checkpoint.readHeader(from: url)
  _ = try? Checkpoint.verify(at: url)
  _ = try? Checkpoint.load(from: url, into: FuzzCheckpointModel.parameters(), expecting: FuzzCheckpointModel.kind,
                           config: nil as JSONValue?)
  let parameters = FuzzCheckpointModel.parameters()
  _ = try? Checkpoint.load(from: url, into: parameters, optimizer: Adam(parameters),
                           expecting: FuzzCheckpointModel.kind, config: nil as JSONValue?)
}

/// Rewrites bytes 20..<24 (the header CRC-32, little-endian) to match the
/// header bytes the length field names; false when there is no such header
/// or the CRC already matched.
func fixHeaderChecksum(_ bytes: inout [UInt8]) -> Bool {
  guard bytes.count >= 24 else { return false }
  let length = bytes[12..<20].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
  guard length <= UInt64(bytes.count - 24) else { return false }
  let crc = CRC32.checksum(bytes[24..<(24 + Int(length))])
  let stored = bytes[20..<24].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
  guard crc != stored else { return false }
  for i in 0..<4 { bytes[20 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
  return true
}

// Why a checkpoint could not be written or loaded: one case per failure, each
// message naming the file and exactly what is wrong.
import CVRCore

/// A checkpoint that cannot be used. A load that throws has written nothing
/// into the model or the optimizer.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
  /// Which list of tensors an error is about.
  public enum TensorGroup: String, Sendable {
    case parameters = "model"
    case optimizer = "optimizer state"
  }

  /// The file could not be opened or mapped.
  case unreadable(file: String, reason: String)
  /// Shorter than the 24-byte preamble (magic, version, header length, header CRC).
  case truncatedPreamble(file: String, fileSize: Int)
  /// The first 8 bytes are not "CVRCKPT\0": not a checkpoint.
  case badMagic(file: String, found: [UInt8])
  /// Written by a format version this code cannot read.
  case unsupportedVersion(file: String, version: UInt32, supported: ClosedRange<UInt32>)
  /// The header length runs past the end of the file.
  case truncatedHeader(file: String, headerEnd: UInt64, fileSize: Int)
  /// The header bytes do not match their CRC-32.
  case headerChecksumMismatch(file: String, stored: UInt32, computed: UInt32)
  /// The header is not the expected JSON (its CRC was right: written wrong, not damaged).
  case malformedHeader(file: String, reason: String)
  /// A tensor entry contradicts itself (count vs shape, alignment, overlap with the header).
  case invalidTensorEntry(file: String, tensor: String, reason: String)
  /// Two tensors share a name, in the file or in the model being saved or loaded.
  case duplicateTensor(file: String, group: TensorGroup, tensor: String, inFile: Bool)
  /// A tensor's bytes run past the end of the file.
  case truncatedTensor(file: String, tensor: String, end: Int, fileSize: Int)
  /// A tensor's bytes do not match their CRC-32.
  case tensorChecksumMismatch(file: String, tensor: String, stored: UInt32, computed: UInt32)
  /// The file holds another kind of model.
  case kindMismatch(file: String, found: String, expected: String)
  /// The file's model config differs from the model's.
  case configMismatch(file: String, differences: [JSONValue.Difference])
  /// Tensors the model (or optimizer) has that the file lacks.
  case missingTensors(file: String, group: TensorGroup, names: [String])
  /// Tensors in the file that the model (or optimizer) does not have.
  case unexpectedTensors(file: String, group: TensorGroup, names: [String])
  /// Same name, different shape.
  case shapeMismatch(file: String, group: TensorGroup, tensor: String, found: [Int], expected: [Int])
  /// An optimizer was given to restore but the file was saved without one.
  case missingOptimizerState(file: String)
  /// The file's optimizer state belongs to another optimizer type.
  case optimizerKindMismatch(file: String, found: String, expected: String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason):
      return "\(file): cannot be read: \(reason)"
    case .truncatedPreamble(let file, let size):
      return "\(file): truncated: \(size) bytes, shorter than the 24-byte checkpoint preamble"
    case .badMagic(let file, let found):
      return "\(file): not a checkpoint: the first bytes are \(found.map { String($0, radix: 16) }), expected \"CVRCKPT\\0\""
    case .unsupportedVersion(let file, let version, let supported):
      return "\(file): format version \(version) is not supported (this code reads \(supported.lowerBound)...\(supported.upperBound))"
    case .truncatedHeader(let file, let end, let size):
      return "\(file): truncated: the header ends at byte \(end), the file has \(size) bytes"
    case .headerChecksumMismatch(let file, let stored, let computed):
      return "\(file): header is corrupt: CRC32 \(hex(computed)), the file records \(hex(stored))"
    case .malformedHeader(let file, let reason):
      return "\(file): malformed header: \(reason)"
    case .invalidTensorEntry(let file, let tensor, let reason):
      return "\(file): tensor '\(tensor)': \(reason)"
    case .duplicateTensor(let file, let group, let tensor, let inFile):
      return "\(file): \(group.rawValue) tensor '\(tensor)' appears twice \(inFile ? "in the file" : "in the model's list")"
    case .truncatedTensor(let file, let tensor, let end, let size):
      return "\(file): truncated: tensor '\(tensor)' ends at byte \(end), the file has \(size) bytes"
    case .tensorChecksumMismatch(let file, let tensor, let stored, let computed):
      return "\(file): tensor '\(tensor)' is corrupt: CRC32 \(hex(computed)), the file records \(hex(stored))"
    case .kindMismatch(let file, let found, let expected):
      return "\(file): holds a '\(found)' model, expected '\(expected)'"
    case .configMismatch(let file, let differences):
      return "\(file): config differs from the model's: " + differences.map(\.description).joined(separator: "; ")
    case .missingTensors(let file, let group, let names):
      return "\(file): \(group.rawValue) tensor(s) missing from the file: \(names.joined(separator: ", "))"
    case .unexpectedTensors(let file, let group, let names):
      return "\(file): tensor(s) in the file that the \(group.rawValue) does not have: \(names.joined(separator: ", "))"
    case .shapeMismatch(let file, let group, let tensor, let found, let expected):
      let owner = group == .parameters ? "the model" : "the optimizer"
      return "\(file): tensor '\(tensor)' has shape \(found) in the file, \(owner) expects \(expected)"
    case .missingOptimizerState(let file):
      return "\(file): saved without optimizer state, but an optimizer was given to restore"
    case .optimizerKindMismatch(let file, let found, let expected):
      return "\(file): optimizer state is for '\(found)', the optimizer is '\(expected)'"
    }
  }
}

private func hex(_ value: UInt32) -> String {
  let digits = String(value, radix: 16)
  return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}

// The byte layout of a checkpoint file: the fixed preamble, the JSON header,
// and the structural checks every reader applies before trusting an offset.
import CVRCore
import CVRFileIO
import Foundation

#if !_endian(little)
#error("Checkpoint payloads are Float32 little-endian and are copied as raw memory")
#endif

/// Layout constants and the preamble/header codec shared by save, load and inspection.
///
/// ```
/// offset 0   magic        8 bytes  "CVRCKPT\0"
///        8   version      UInt32 LE
///       12   headerLength UInt64 LE  (bytes of JSON)
///       20   headerCRC32  UInt32 LE  (CRC-32 of the JSON bytes)
///       24   header       JSON, UTF-8
///            zero padding to a multiple of 64
///            payloads     Float32 LE, each at its entry's offset (a multiple of 64)
/// ```
enum CheckpointFormat {
  static let magic: [UInt8] = Array("CVRCKPT".utf8) + [0]
  static let version: UInt32 = 1
  /// Versions this code reads.
  static let supportedVersions: ClosedRange<UInt32> = 1...1
  static let preambleSize = 24
  /// Payload alignment: a cache line, and enough for any SIMD load.
  static let alignment = 64

  static func aligned(_ offset: Int) -> Int { (offset + alignment - 1) / alignment * alignment }

  /// The 24 preamble bytes for a header of `headerLength` bytes with checksum `crc`.
  static func preamble(headerLength: Int, crc: UInt32) -> Data {
    var data = Data(magic)
    withUnsafeBytes(of: version.littleEndian) { data.append(contentsOf: $0) }
    withUnsafeBytes(of: UInt64(headerLength).littleEndian) { data.append(contentsOf: $0) }
    withUnsafeBytes(of: crc.littleEndian) { data.append(contentsOf: $0) }
    return data
  }

  /// Checks magic, version, header bounds and CRC, then decodes the JSON.
  /// Returns the header and the offset of its first byte past the JSON.
  static func readHeader(_ bytes: UnsafeRawBufferPointer, file: String) throws -> (CheckpointHeader, headerEnd: Int) {
    guard bytes.count >= preambleSize else { throw CheckpointError.truncatedPreamble(file: file, fileSize: bytes.count) }
    let found = Array(bytes[0..<8])
    guard found == magic else { throw CheckpointError.badMagic(file: file, found: found) }
    let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
    guard supportedVersions.contains(version) else {
      throw CheckpointError.unsupportedVersion(file: file, version: version, supported: supportedVersions)
    }
    let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
    let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 20, as: UInt32.self))
    guard length <= UInt64(bytes.count - preambleSize) else {
      let (end, overflow) = length.addingReportingOverflow(UInt64(preambleSize))
      throw CheckpointError.truncatedHeader(file: file, headerEnd: overflow ? .max : end, fileSize: bytes.count)
    }
    let json = UnsafeRawBufferPointer(rebasing: bytes[preambleSize..<(preambleSize + Int(length))])
    let computed = CRC32.checksum(json)
    guard computed == stored else {
      throw CheckpointError.headerChecksumMismatch(file: file, stored: stored, computed: computed)
    }
    do {
      let header = try JSONValue.decoder.decode(CheckpointHeader.self, from: Data(json))
      return (header, preambleSize + Int(length))
    } catch {
      throw CheckpointError.malformedHeader(file: file, reason: "\(error)")
    }
  }

  /// Structural checks of every entry (model and optimizer): unique names,
  /// a valid shape whose product is `count`, an aligned offset past the
  /// header, and bytes inside the file. Payload CRCs are checked separately.
  static func validateEntries(_ header: CheckpointHeader, headerEnd: Int, fileSize: Int, file: String) throws {
    for (group, entries) in [(CheckpointError.TensorGroup.parameters, header.tensors),
                             (.optimizer, header.optimizer?.tensors ?? [])] {
      var seen = Set<String>()
      for entry in entries {
        guard seen.insert(entry.name).inserted else {
          throw CheckpointError.duplicateTensor(file: file, group: group, tensor: entry.name, inFile: true)
        }
        try validate(entry, headerEnd: headerEnd, fileSize: fileSize, file: file)
      }
    }
  }

  private static func validate(_ entry: CheckpointHeader.TensorEntry, headerEnd: Int, fileSize: Int, file: String) throws {
    func invalid(_ reason: String) -> CheckpointError {
      .invalidTensorEntry(file: file, tensor: entry.name, reason: reason)
    }
    guard entry.shape.count <= 4 else { throw invalid("rank \(entry.shape.count) > 4") }
    guard entry.shape.allSatisfy({ $0 >= 0 }) else { throw invalid("negative dimension in shape \(entry.shape)") }
    var product = 1
    for d in entry.shape {
      let (p, overflow) = product.multipliedReportingOverflow(by: d)
      guard !overflow else { throw invalid("shape \(entry.shape) overflows") }
      product = p
    }
    guard entry.count == product else { throw invalid("count \(entry.count) but shape \(entry.shape) holds \(product)") }
    guard entry.offset >= headerEnd, entry.offset % alignment == 0 else {
      throw invalid("offset \(entry.offset) is not a multiple of \(alignment) past the header (ends at \(headerEnd))")
    }
    let (bytes, overflowBytes) = entry.count.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
    let (end, overflowEnd) = entry.offset.addingReportingOverflow(bytes)
    guard !overflowBytes, !overflowEnd, end <= fileSize else {
      throw CheckpointError.truncatedTensor(file: file, tensor: entry.name, end: overflowBytes || overflowEnd ? .max : end,
                                            fileSize: fileSize)
    }
  }
}

// CRC-32 against known answers and against a bit-at-a-time reference, over
// every split point and misalignment the slicing-by-8 loop could get wrong.
import CVRCore
import CVRFileIO
import CVRKernels
import Testing

/// The textbook bitwise CRC-32 (reflected 0xEDB88320), the reference.
private func referenceCRC(_ bytes: [UInt8]) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
  }
  return crc ^ 0xFFFF_FFFF
}

private func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
  var rng = SeededGenerator(seed: seed)
  return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
}

@Suite struct CRC32Tests {
  @Test func knownAnswers() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum([UInt8]()) == 0)
    #expect(CRC32.checksum(Array("a".utf8)) == 0xE8B7_BE43)
    #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    #expect(CRC32().value == 0)
  }

  @Test func matchesBitwiseReferenceAtEveryLengthAndAlignment() {
    let data = randomBytes(80, seed: 1)
    for start in 0..<8 {
      for length in 0...(data.count - start) {
        let slice = Array(data[start..<(start + length)])
        let fast = data.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
        #expect(fast == referenceCRC(slice), "start \(start) length \(length)")
      }
    }
  }

  @Test func incrementalUpdatesEqualOneShot() {
    let data = randomBytes(131, seed: 2)
    let whole = CRC32.checksum(data)
    #expect(whole == referenceCRC(data))
    for split in 0...data.count {
      var crc = CRC32()
      data.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[0..<split])) }
      data.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[split...])) }
      #expect(crc.value == whole, "split at \(split)")
    }
  }

  @Test func largeBufferMatchesReference() {
    let data = randomBytes(1 << 20, seed: 3)
    #expect(CRC32.checksum(data) == referenceCRC(data))
  }

  @Test func singleBitFlipsChangeTheChecksum() {
    var data = randomBytes(64, seed: 4)
    let original = CRC32.checksum(data)
    for bit in stride(from: 0, to: 64 * 8, by: 37) {
      data[bit / 8] ^= UInt8(1 << (bit % 8))
      #expect(CRC32.checksum(data) != original, "bit \(bit)")
      data[bit / 8] ^= UInt8(1 << (bit % 8))
    }
  }
}

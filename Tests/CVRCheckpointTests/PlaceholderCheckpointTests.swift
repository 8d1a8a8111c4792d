import Testing

@Test func placeholderCheckpoint() { #expect(Bool(true)) }

import Testing

@Test func placeholderEmbedding() { #expect(Bool(true)) }

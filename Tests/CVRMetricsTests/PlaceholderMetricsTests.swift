import Testing

@Test func placeholderMetrics() { #expect(Bool(true)) }

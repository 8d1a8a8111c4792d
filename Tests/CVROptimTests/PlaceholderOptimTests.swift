import Testing

@Test func placeholderOptim() { #expect(Bool(true)) }

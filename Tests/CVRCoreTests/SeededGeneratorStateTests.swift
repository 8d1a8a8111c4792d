// A generator rebuilt from its state words continues the same sequence (what
// an epoch checkpoint relies on for dropout masks after a resume).
import CVRCore
import Testing

@Suite struct SeededGeneratorStateTests {
  @Test func aGeneratorFromItsStateContinuesTheSequence() throws {
    var original = SeededGenerator(seed: 42)
    for _ in 0..<17 { _ = original.next() }
    var copy = try #require(SeededGenerator(state: original.state))
    #expect((0..<100).map { _ in original.next() } == (0..<100).map { _ in copy.next() })
  }

  @Test func invalidStatesAreRefused() {
    #expect(SeededGenerator(state: [0, 0, 0, 0]) == nil)
    #expect(SeededGenerator(state: [1, 2, 3]) == nil)
  }
}

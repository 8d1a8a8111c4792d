// Activations split over threads give exactly the single-thread values
// (each element is computed by the same code, only the range differs).
import CVRAutograd
import CVRCore
import CVRKernels
import Testing

@Suite(.serialized) struct ParallelActivationTests {
  @Test func largeActivationsAreTheSameAtOneAndTwoThreads() {
    let count = 3 * Threads.minimumStreamingChunk + 17
    var rng = SeededGenerator(seed: 8)
    let values = (0..<count).map { _ in rng.nextFloat(in: -6, 6) }
    func run(threads: Int) -> [[Float]] {
      let previous = Threads.count
      Threads.set(threads)
      defer { Threads.set(previous) }
      let tape = Tape(recording: false)
      let x = tape.constant(values, Shape(count))
      return [tape.relu(x), tape.sigmoid(x), tape.tanh(x), tape.softplus(x), tape.exp(x)].map { $0.toArray() }
    }
    let serial = run(threads: 1), parallel = run(threads: 2)
    for (i, name) in ["relu", "sigmoid", "tanh", "softplus", "exp"].enumerated() {
      #expect(serial[i] == parallel[i], "\(name) differs between 1 and 2 threads")
    }
    #expect(serial[1][0] == FastMath.sigmoid(values[0]))
  }
}

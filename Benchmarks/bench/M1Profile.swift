// BENCH_PROFILE=1 (or =2 for two threads): where an M1 training step spends its
// time, as process CPU time of growing prefixes of the step (CPU time, not wall
// time, so a busy shared machine disturbs the split less). Not part of `make bench`.
import CVRAutograd
import CVRData
import CVRKernels
import Glibc

enum M1Profile {
  static func run(threads: Int) {
    Threads.set(threads)
    let data = MetaCVRData(seed: 11)
    let network = try! M1Network(schema: data.schema, seed: 1)
    let batches = data.batches(8, size: MetaCVRBenches.trainBatch, seed: 2)
    var index = 0
    func next() -> Batch {
      index += 1
      return batches[index % batches.count]
    }
    let tape = network.tape
    func cpuSeconds() -> Double {
      var t = timespec()
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
      return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
    func report(_ name: String, _ body: () -> Void) {
      for _ in 0..<3 { body() }
      var times: [Double] = []
      for _ in 0..<15 {
        let start = cpuSeconds()
        body()
        times.append(cpuSeconds() - start)
      }
      times.sort()
      print("profile: \(name.padding(toLength: 26, withPad: " ", startingAt: 0))"
        + " CPU median \(String(format: "%6.2f", times[7] * 1e3)) ms  min \(String(format: "%6.2f", times[0] * 1e3))")
    }
    report("embedding lookups") {
      tape.reset()
      _ = network.embedder(next(), tape)
    }
    report("+ three attentions") {
      tape.reset()
      _ = network.frn.inputs(network.embedder(next(), tape), tape)
    }
    report("forward (to the logit)") {
      tape.reset()
      _ = network.forward(next())
    }
    report("+ loss and backward") {
      tape.reset()
      network.training.optimizer.zeroGrad()
      let batch = next()
      let labels = tape.input(batch.conversion, Shape(batch.count, 1))
      tape.backward(tape.binaryCrossEntropyWithLogits(network.forward(batch).logit, labels: labels))
    }
    report("+ Adagrad (whole step)") { network.trainStep(next()) }
  }
}

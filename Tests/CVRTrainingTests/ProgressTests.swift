// Progress arithmetic and text: ETA from the mean step time, durations, the line.
import CVRTraining
import Testing

@Suite struct ProgressTests {
  @Test func etaIsMeanStepTimeTimesStepsLeft() {
    #expect(TrainingProgress.eta(stepsDone: 25, stepsTotal: 100, elapsedSeconds: 5) == 15)
    #expect(TrainingProgress.eta(stepsDone: 1, stepsTotal: 3, elapsedSeconds: 0.5) == 1)
    #expect(TrainingProgress.eta(stepsDone: 100, stepsTotal: 100, elapsedSeconds: 9) == 0)
    #expect(TrainingProgress.eta(stepsDone: 120, stepsTotal: 100, elapsedSeconds: 9) == 0)
    #expect(TrainingProgress.eta(stepsDone: 0, stepsTotal: 100, elapsedSeconds: 0) == .infinity)
  }

  @Test func durationsRead() {
    #expect(TrainingProgress.duration(42.4) == "42s")
    #expect(TrainingProgress.duration(187) == "3:07")
    #expect(TrainingProgress.duration(3909) == "1:05:09")
    #expect(TrainingProgress.duration(.infinity) == "?" && TrainingProgress.duration(.nan) == "?")
  }

  @Test func theLineHoldsEveryField() {
    let p = TrainingProgress(stage: "stage 2", model: "MetaCVR-SPDM", epoch: 2, maxEpochs: 10, step: 120,
                             stepsPerEpoch: 512, samplesPerSecond: 8431.4, runningLoss: 0.31214, etaSeconds: 65)
    #expect(p.line == "MetaCVR-SPDM stage 2 | epoch 2/10 | step 120/512 | 8431 samples/s | loss 0.3121 | ETA 1:05")
  }
}

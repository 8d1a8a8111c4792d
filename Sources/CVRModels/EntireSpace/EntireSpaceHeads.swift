// The three heads an entire-space model predicts, written the same way by
// ESMM, ESM2 and ESDF: pCTR from the CTR tower, pCVR from the model's own
// decomposition, pCTCVR their product (Ma et al. 2018, the entire-space identity).
import CVRAutograd
import CVRKernels

extension PredictionOutputs {
  /// For each of `count` samples: pCTR = σ(ctrLogits[b]), pCVR = cvr(b),
  /// pCTCVR = pCTR · pCVR, each into its buffer when asked for.
  func writeEntireSpace(count: Int, ctrLogits: Tensor, cvr: (Int) -> Float) {
    for b in 0..<count {
      let pCTR = FastMath.sigmoid(ctrLogits.data[b]), pCVR = cvr(b)
      ctr?[b] = pCTR
      self.cvr?[b] = pCVR
      ctcvr?[b] = pCTR * pCVR
    }
  }
}

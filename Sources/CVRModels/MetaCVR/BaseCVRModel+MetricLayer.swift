// The layer of the frozen base that MetaCVR's prototypes and DMN read: F(x)
// (the paper) or f_b's first hidden layer (the authors' code).
import CVRAutograd
import CVRData

extension BaseCVRModel {
  /// g and s_b of one forward pass: g = F(x) [n, D] (MetaCVR Eq. 3) for
  /// `.representation`, or f_b's first hidden layer after its activation
  /// [n, outputWidths[0]] for `.outputHidden` (the code's 128-d `base_rep`,
  /// seeds-code.md §1.5, §1.9.4); s_b [n, 1] the base logit. Runs in the tape's
  /// mode: callers wrap it in `tape.inference` (MetaCVR) for the frozen base.
  public func metricLayer(_ batch: Batch, _ tape: Tape, layer: PrototypeLayer) -> (layer: Tensor, baseLogit: Tensor) {
    let f = representation(batch, tape)
    switch layer {
    case .representation:
      return (f, baseLogit(representation: f, tape))
    case .outputHidden:
      var hidden: Tensor?
      let logit = output(f, tape) { l, h in
        if l == 0 { hidden = h }
        return h
      }
      return (hidden!, logit)
    }
  }
}

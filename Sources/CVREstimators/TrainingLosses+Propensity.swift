// StableDR's propensity step on the tape: the observation model's BCE plus the
// squared stabilisation residual, the one loss in which p̂ is trained (so here,
// and only here, the propensity is tracked).
import CVRAutograd

extension Tape {
  /// The propensity loss of StableDR's cycle learning (Li, Zheng & Wu ICLR 2023,
  /// arXiv 2205.04701, its "cycle learning": propensity, imputation and prediction
  /// updated in turn; the propensity step as in the public MF_Stable_DR code,
  /// seeds-code.md §2.6, with the constraint as a penalty of weight η):
  ///   L = (1/|S|) Σ_S BCE(σ(z_j), o_j) + η · [ (1/|S|) Σ_S (1 − o_j/p_j)(ê_j − ē) ]²,
  /// S uniformly sampled cells of the grid, o_j whether cell j is observed,
  /// p_j = clip(σ(z_j)) (tracked: the gradient reaches z through BCE and the
  /// penalty, except where the clip binds), ê_j the imputed errors (constant: the
  /// imputation is fixed in this step), ē their mean over S. The bracket, the
  /// constraint in its propensity form, is −(1/|S|) Σ (o/p)(ê − ē) since Σ (ê − ē) = 0:
  /// zero when Σ o ê/p = ē Σ o/p, the inverse-propensity-weighted mean of ê over the
  /// observed cells equal to its mean (p̂ balances ê); when it holds on the grid, the
  /// SDR estimate ē + δ (δ of `Stabilisation.shift`) equals SNIPS of e
  /// (docs/estimators.md, "StableDR's propensity step").
  ///
  /// Shapes: logits z, observed o and imputed ê with |S| elements each; out [].
  /// Gradient: dL/dz_j = (σ(z_j) − o_j)/|S| + 2η r · (o_j (1 − σ(z_j))/σ(z_j)) (ê_j − ē)/|S|
  /// where unclipped (r the bracket; d(o/σ)/dz = −o(1 − σ)/σ); dL/dê = 0.
  public func stableDRPropensityLoss(
    logits z: Tensor, observed: Tensor, imputed: Tensor, penalty eta: Float, clip: PropensityClip = .standard
  ) -> Tensor {
    precondition(observed.count == z.count && imputed.count == z.count && z.count > 0,
                 "stableDRPropensityLoss: logits \(z.shape), observed \(observed.shape), imputed \(imputed.shape)")
    let s = z.count
    let flat = z.reshaped(Shape(s))
    let o = empty(Shape(s)), centred = empty(Shape(s)), ones = empty(Shape(s))
    var mean: Float = 0
    for j in 0..<s { mean += imputed.data[j] }
    mean /= Float(s)
    for j in 0..<s {
      o.data[j] = observed.data[j] != 0 ? 1 : 0
      centred.data[j] = imputed.data[j] - mean
      ones.data[j] = 1
    }
    let bce = binaryCrossEntropyWithLogits(flat, labels: o)
    let p = clamp(sigmoid(flat), min: Float(clip.floor), max: Float(clip.ceiling))
    let residual = scale(sum(mul(sub(ones, div(o, p)), centred)), by: 1 / Float(s))
    return add(bce, scale(mul(residual, residual), by: eta))
  }
}

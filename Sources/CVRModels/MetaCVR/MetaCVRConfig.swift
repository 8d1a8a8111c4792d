// Every option of MetaCVR's stage-2 model (DMN and EPN, §2.4–2.5), each with
// its source, next to the base model's configuration it wraps.

extension MetaCVRModel {
  /// The MetaCVR model's shape and options.
  public struct Config: Codable, Equatable, Sendable {
    /// The frozen base model (FRN and f_b) the DMN and EPN sit on.
    public var base: BaseCVRModel.Config
    /// The distance metric of the DMN (§2.4; the paper's best: SPDM).
    public var metric: DistanceMetric
    /// NNDM's hidden width H (our Relation-Network reading of Eq. 5; the paper
    /// and the code's config give none). Default 32.
    public var nndmHidden: Int
    /// K, the number of occasions (from the data's schema; checked against the plan).
    public var occasions: Int
    /// BatchNorm on the EPN's logit (the authors' code, seeds-code.md §1.7). Default off.
    public var epnBatchNorm: Bool

    public init(base: BaseCVRModel.Config, metric: DistanceMetric = .spdm, nndmHidden: Int = 32, occasions: Int,
                epnBatchNorm: Bool = false) {
      self.base = base
      self.metric = metric
      self.nndmHidden = nndmHidden
      self.occasions = occasions
      self.epnBatchNorm = epnBatchNorm
    }

    func check(plan: FeaturePlan) throws {
      guard occasions > 0 else { throw ModelError.config("MetaCVR needs at least one occasion, got \(occasions)") }
      guard occasions == plan.occasions.count else {
        throw ModelError.config(
          "the configuration has \(occasions) occasions, the schema \(plan.occasions.count) \(plan.occasions)")
      }
      guard nndmHidden > 0 else { throw ModelError.config("nndmHidden \(nndmHidden) must be positive") }
    }
  }
}

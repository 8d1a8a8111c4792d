// Every option of MetaCVR's stage-2 model (prototypes, DMN, merge, EPN,
// §2.3–2.5), each with its source, next to the base model's configuration it wraps.

extension MetaCVRModel {
  /// The MetaCVR model's shape and options. Sources: [paper] = the paper's text,
  /// [code] = the authors' code (seeds-code.md §1.5–1.9), [beyond] = beyond the paper.
  public struct Config: Codable, Equatable, Sendable {
    /// The frozen base model (FRN and f_b) the DMN and EPN sit on.
    public var base: BaseCVRModel.Config
    /// The distance metric of the DMN (§2.4; the paper's best: SPDM; `mulrelanet`: [code]).
    public var metric: DistanceMetric
    /// NNDM's hidden width H (our Relation-Network reading of Eq. 5; the paper
    /// and the code's config give none). Default 32.
    public var nndmHidden: Int
    /// K, the number of occasions (from the data's schema; checked against the plan).
    public var occasions: Int
    /// BatchNorm on the EPN's logit (the authors' code, seeds-code.md §1.7). Default off.
    public var epnBatchNorm: Bool
    /// How the K scores s_occ are combined before the EPN ([code] `merge_type`,
    /// seeds-code.md §1.5; `.none` = Eq. 6, every s_occ into the EPN).
    public var merge: OccasionMerge
    /// Hidden width of the `fc` and `occaware` merges ([code]; no value released). Default 16.
    public var mergeHidden: Int
    /// How s_occ is scaled before the merge: `.standardize` (default, [ours]),
    /// `.batchNorm` ([ours], after the code's BN habit) or `.none` (the paper).
    public var scoreNormalization: ScoreNormalization
    /// The EPN's starting weight on every (normalised) occasion input. Non-zero
    /// so the DMN's parameters get a gradient on the first step ([ours]). Default 0.01.
    public var initialOccasionWeight: Float
    /// λ of λ·Σ_occ ‖W_occ − I‖²_F added to the loss (SPDM, mulrelanet): shrinks
    /// the learned metric toward the cosine start on a small D_r ([ours]). Default 1e-3.
    public var identityDecay: Float
    /// Which layer of the frozen base the prototypes and the DMN read ([paper]
    /// F(x), or [code] f_b's first hidden layer).
    public var prototypeLayer: PrototypeLayer
    /// Subtract the mean of that layer over D_r's clicked rows from the sample
    /// and before the prototypes' means ([ours]: ReLU features share one
    /// direction, so uncentred prototypes all have cosine near 1). Default on.
    public var centering: Bool
    /// The sample's occasion given to the EPN ([beyond]: promotion calendars are known in advance).
    public var occasionInput: OccasionInput
    /// Which rows of D_r make each occasion's support sets: one day ([paper] §2.3)
    /// or every day of D_r (default [ours]: D_r holds few purchases per occasion
    /// and day, so one day's mean is noisy). Read by the experiment that builds the prototypes.
    public var prototypeSupport: PrototypeSupport
    /// The probe "shuffled prototypes" ([ours]): the support rows of each occasion
    /// are reassigned to + and − at random (same counts, seeded), so the
    /// prototypes carry no label information. Default off.
    public var shuffledSupportLabels: Bool
    /// Episodic prototypes ([beyond]): > 0 recomputes the prototypes for every query
    /// day from the latest `episodicWindow` labelled days of the occasion before it
    /// (`EpisodicPrototypes`), at training and scoring time. 0 (default): one set.
    public var episodicWindow: Int
    /// T, the number of episodes (1 without episodes), and the query day of the
    /// first; set by the experiment from D_r (T = |D_r| + 1: every day of D_r and one
    /// for every day after the training cut).
    public var episodes: Int
    public var episodeFirstDay: Int

    public init(base: BaseCVRModel.Config, metric: DistanceMetric = .spdm, nndmHidden: Int = 32, occasions: Int,
                epnBatchNorm: Bool = false, merge: OccasionMerge = .none, mergeHidden: Int = 16,
                scoreNormalization: ScoreNormalization = .standardize, initialOccasionWeight: Float = 0.01,
                identityDecay: Float = 1e-3, prototypeLayer: PrototypeLayer = .representation, centering: Bool = true,
                occasionInput: OccasionInput = .none, prototypeSupport: PrototypeSupport = .allDays,
                shuffledSupportLabels: Bool = false, episodicWindow: Int = 0, episodes: Int = 1,
                episodeFirstDay: Int = 0) {
      self.base = base
      self.metric = metric
      self.nndmHidden = nndmHidden
      self.occasions = occasions
      self.epnBatchNorm = epnBatchNorm
      self.merge = merge
      self.mergeHidden = mergeHidden
      self.scoreNormalization = scoreNormalization
      self.initialOccasionWeight = initialOccasionWeight
      self.identityDecay = identityDecay
      self.prototypeLayer = prototypeLayer
      self.centering = centering
      self.occasionInput = occasionInput
      self.prototypeSupport = prototypeSupport
      self.shuffledSupportLabels = shuffledSupportLabels
      self.episodicWindow = episodicWindow
      self.episodes = episodes
      self.episodeFirstDay = episodeFirstDay
    }

    enum CodingKeys: String, CodingKey {
      case base, metric, nndmHidden, occasions, epnBatchNorm, merge, mergeHidden, scoreNormalization
      case initialOccasionWeight, identityDecay, prototypeLayer, centering, occasionInput, prototypeSupport
      case shuffledSupportLabels, episodicWindow, episodes, episodeFirstDay
    }

    /// Missing keys keep their defaults (checkpoints written before these options
    /// existed restore as the paper's model: no merge, no normalisation, zero start,
    /// no decay, F(x), no centring).
    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      base = try c.decode(BaseCVRModel.Config.self, forKey: .base)
      metric = try c.decode(DistanceMetric.self, forKey: .metric)
      nndmHidden = try c.decodeIfPresent(Int.self, forKey: .nndmHidden) ?? 32
      occasions = try c.decode(Int.self, forKey: .occasions)
      epnBatchNorm = try c.decodeIfPresent(Bool.self, forKey: .epnBatchNorm) ?? false
      merge = try c.decodeIfPresent(OccasionMerge.self, forKey: .merge) ?? .none
      mergeHidden = try c.decodeIfPresent(Int.self, forKey: .mergeHidden) ?? 16
      scoreNormalization = try c.decodeIfPresent(ScoreNormalization.self, forKey: .scoreNormalization) ?? .none
      initialOccasionWeight = try c.decodeIfPresent(Float.self, forKey: .initialOccasionWeight) ?? 0
      identityDecay = try c.decodeIfPresent(Float.self, forKey: .identityDecay) ?? 0
      prototypeLayer = try c.decodeIfPresent(PrototypeLayer.self, forKey: .prototypeLayer) ?? .representation
      centering = try c.decodeIfPresent(Bool.self, forKey: .centering) ?? false
      occasionInput = try c.decodeIfPresent(OccasionInput.self, forKey: .occasionInput) ?? .none
      prototypeSupport = try c.decodeIfPresent(PrototypeSupport.self, forKey: .prototypeSupport) ?? .firstDay
      shuffledSupportLabels = try c.decodeIfPresent(Bool.self, forKey: .shuffledSupportLabels) ?? false
      episodicWindow = try c.decodeIfPresent(Int.self, forKey: .episodicWindow) ?? 0
      episodes = try c.decodeIfPresent(Int.self, forKey: .episodes) ?? 1
      episodeFirstDay = try c.decodeIfPresent(Int.self, forKey: .episodeFirstDay) ?? 0
    }

    /// The paper's stage 2 as printed (Eq. 3–6): no merge, raw s_occ, EPN at
    /// BASE (w_occ = 0), no decay, F(x) uncentred, occasion-blind EPN.
    public static func paper(base: BaseCVRModel.Config, metric: DistanceMetric, occasions: Int) -> Config {
      Config(base: base, metric: metric, occasions: occasions, scoreNormalization: .none, initialOccasionWeight: 0,
             identityDecay: 0, centering: false, prototypeSupport: .firstDay)
    }

    func check(plan: FeaturePlan) throws {
      guard occasions > 0 else { throw ModelError.config("MetaCVR needs at least one occasion, got \(occasions)") }
      guard occasions == plan.occasions.count else {
        throw ModelError.config(
          "the configuration has \(occasions) occasions, the schema \(plan.occasions.count) \(plan.occasions)")
      }
      guard nndmHidden > 0 else { throw ModelError.config("nndmHidden \(nndmHidden) must be positive") }
      guard mergeHidden > 0 else { throw ModelError.config("mergeHidden \(mergeHidden) must be positive") }
      guard initialOccasionWeight.isFinite else { throw ModelError.config("initialOccasionWeight must be finite") }
      guard identityDecay >= 0 && identityDecay.isFinite else {
        throw ModelError.config("identityDecay \(identityDecay) must be ≥ 0")
      }
      guard episodicWindow >= 0 else { throw ModelError.config("episodicWindow \(episodicWindow) must be ≥ 0") }
      guard episodes >= 1 else { throw ModelError.config("episodes \(episodes) must be at least 1") }
      if prototypeLayer == .outputHidden && base.outputWidths.isEmpty {
        throw ModelError.config("prototypeLayer outputHidden needs a hidden layer in f_b (base.outputWidths is empty)")
      }
    }

    /// Width of the layer the DMN reads.
    func metricDim(base: BaseCVRModel) -> Int {
      prototypeLayer == .representation ? base.representationDim : base.config.outputWidths[0]
    }
  }
}

/// How the DMN's K occasion scores reach the EPN (seeds-code.md §1.5 `merge_type`).
public enum OccasionMerge: String, Codable, Sendable, CaseIterable {
  /// Every s_occ goes to the EPN (Eq. 6; the code's `nomerge`).
  case none
  /// z = w₂ᵀ LeakyReLU(W₁ s + b₁) + b₂ (the code's `fc`, without its BN).
  case fc
  /// z = max_occ s_occ.
  case max
  /// z = mean_occ s_occ.
  case mean
  /// z = Σ_occ softmax(V ReLU(U g + a) + c)_occ s_occ, the weights from the sample's layer g (the code's `occaware`).
  case occaware

  /// How many values the merge hands to the EPN.
  func width(occasions: Int) -> Int { self == .none ? occasions : 1 }
}

/// The scaling of s_occ before the merge.
public enum ScoreNormalization: String, Codable, Sendable, CaseIterable {
  /// Raw s_occ (the paper).
  case none
  /// (s_occ − μ_occ) / σ_occ with μ, σ fixed from the stage-2 training rows at the
  /// metric's start ([ours]): prototype cosines of 0.98–1.00 make raw s_occ ~1e-2,
  /// too small for the EPN to weigh or for Adagrad/Adam steps to matter.
  case standardize
  /// BatchNorm with a learned gain and shift on s [n, K] ([ours]; BN on the logit is `epnBatchNorm`).
  case batchNorm
}

/// Which rows of D_r make an occasion's support sets S⁺, S⁻.
public enum PrototypeSupport: String, Codable, Sendable, CaseIterable {
  /// The first day of D_r with both a purchase and another click of the occasion (§2.3, "a day").
  case firstDay
  /// Every clicked row of the occasion in D_r [ours].
  case allDays
}

/// The layer of the frozen base that prototypes and the DMN read.
public enum PrototypeLayer: String, Codable, Sendable, CaseIterable {
  /// F(x) = Norm([h_M; h_B]) (the paper, Eq. 3).
  case representation
  /// f_b's first hidden layer, after its activation (the authors' 128-d `base_rep`, seeds-code.md §1.5, §1.9.4).
  case outputHidden
}

/// What of the sample's occasion the EPN is told ([beyond the paper]).
public enum OccasionInput: String, Codable, Sendable, CaseIterable {
  /// Nothing (the paper).
  case none
  /// A learned logit offset per occasion (init 0).
  case offsets
  /// The sample's own occasion's normalised score s_{occ(x)}, one more EPN input.
  case ownScore
}

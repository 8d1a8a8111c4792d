// Every option of MetaCVR's Feature Representation Network, each with its
// source: the paper (§2.2, §3.1.3), the authors' code (seeds-code.md §1.3) or
// the benchmark workload M1.

/// How F(x) = Norm([h_M; h_B]) normalises (MetaCVR Eq. 2).
public enum RepresentationNorm: String, Codable, Sendable, CaseIterable {
  /// F(x) / ‖F(x)‖₂. The paper's remark under Eq. 4 ("cosine distance is a
  /// special case of SPDM when W is the identity") holds only for unit vectors,
  /// so this is the default reading of "Norm".
  case l2
  /// LayerNorm with gain and bias (the reading of workload M1).
  case layerNorm
}

/// The Feature Representation Network's shape and options.
public struct FRNConfig: Codable, Equatable, Sendable {
  /// Q/K width of every attention: "8-head attention structures with a hidden size of 128" (§3.1.3).
  public var attentionUnits = 128
  public var heads = 8
  /// The authors' attention (seeds-code.md §1.3): ReLU on Q/K/V, LayerNorm on each
  /// head's Q and K, no W_O, residual + LN + 4× feed-forward after every attention;
  /// the value width is then forced to the query's width. Off: the paper's plain
  /// scaled dot-product attention with linear Q/K/V (workload M1).
  public var authorsAttention = false
  /// User and target attention project e_ubs into keys and values (W_K, W_V,
  /// units → units) when on; off, keys = values = e_ubs and only the query is
  /// projected (workload M1: "query e_u·W (56 → 128) over e_ubs"). The paper is
  /// silent. Ignored with `authorsAttention`.
  public var poolingKeyProjection = true
  /// Output projection of the self-attention when `authorsAttention` is off (M1: 128 → 128).
  public var selfAttentionOutput = true
  /// MainNet hidden widths on [e_u; e_i; e_ui; s_i; s_u] (M1: 424 → 256 → 128; the code: 1024, 512, 256).
  public var mainWidths = [256, 128]
  /// BiasNet hidden widths on [e_u; e_c] (M1: 88 → 64 → 32; the code: 512, 256, 128).
  public var biasWidths = [64, 32]
  /// BatchNorm after every MainNet/BiasNet linear layer (the code; the paper is silent).
  public var batchNorm = false
  /// Dropout after every MainNet/BiasNet layer (the code: 0.5; the paper is silent).
  public var dropout: Float = 0
  public var norm = RepresentationNorm.l2
  /// Width of an occasion embedding in the context block e_c (0: none; M1: 8).
  /// The paper's context is "position and time information" (§2.2).
  public var occasionDim = 0
  /// False drops the behaviour sequence and the three attentions (DCN, XGBoost in §3.1.3).
  public var includeSequence = true

  public init() {}

  /// The paper's sizes (§3.1.3) with the M1 workload's MLP widths.
  public static let paper = FRNConfig()

  /// A narrower network for the demo world (70 days, about 15 000 clicks):
  /// 32-unit, 4-head attention, MainNet 64 → 32, BiasNet 32 → 16.
  public static var demo: FRNConfig {
    var c = FRNConfig()
    c.attentionUnits = 32
    c.heads = 4
    c.mainWidths = [64, 32]
    c.biasWidths = [32, 16]
    return c
  }

  /// Width of F(x): the last MainNet width plus the last BiasNet width.
  public var representationDim: Int { (mainWidths.last ?? 0) + (biasWidths.last ?? 0) }

  func check() throws {
    guard attentionUnits > 0, heads > 0, attentionUnits % heads == 0 else {
      throw ModelError.config("attentionUnits \(attentionUnits) must be a positive multiple of heads \(heads)")
    }
    guard !mainWidths.isEmpty, !biasWidths.isEmpty, (mainWidths + biasWidths).allSatisfy({ $0 > 0 }) else {
      throw ModelError.config("MainNet and BiasNet need at least one positive width each")
    }
    guard dropout >= 0 && dropout < 1 else { throw ModelError.config("dropout \(dropout) must be in [0, 1)") }
    guard occasionDim >= 0 else { throw ModelError.config("occasionDim must be ≥ 0") }
  }
}

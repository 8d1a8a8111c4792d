// Every option of MetaCVR's base CVR model (stage 1): the FRN and the output
// layers f_b, each with its source (paper §2.2, §3.1.3 or seeds-code.md §1.3).

extension BaseCVRModel {
  /// The base model's shape and options.
  public struct Config: Codable, Equatable, Sendable {
    /// The Feature Representation Network F(x) (§2.2, Eq. 2).
    public var frn: FRNConfig
    /// Hidden widths of f_b before its single output logit: "a 3-layer MLP"
    /// (§2.2), F(x) → 128 → 64 → 1. The authors' code has one 128-wide hidden
    /// layer then the logit (seeds-code.md §1.3): `[128]`.
    public var outputWidths: [Int]
    /// BatchNorm after each hidden layer of f_b, replacing its bias (the authors'
    /// code: ReLU + BN on the 128-d layer; the paper is silent). Default off.
    public var outputBatchNorm: Bool
    /// Dropout after each hidden layer of f_b (the authors' code has none there). Default 0.
    public var outputDropout: Float
    /// The oracle "BASE+occasion" (beyond the paper, issue 15): the sample's occasion as a
    /// one-hot [n, K] concatenated to F(x) at f_b's input, f_b([F(x); onehot(o)]), after the
    /// normalisation, so nothing rescales it. Nil or false: off (an optional so checkpoints
    /// written before it load unchanged).
    public var occasionAtOutput: Bool?

    /// - Parameters: as the properties; defaults are the paper's (§2.2, §3.1.3).
    public init(frn: FRNConfig = .paper, outputWidths: [Int] = [128, 64], outputBatchNorm: Bool = false,
                outputDropout: Float = 0) {
      self.frn = frn
      self.outputWidths = outputWidths
      self.outputBatchNorm = outputBatchNorm
      self.outputDropout = outputDropout
    }

    /// The paper's sizes (§3.1.3) with f_b = D → 128 → 64 → 1.
    public static var paper: Config { Config() }

    /// The demo world's sizes: `FRNConfig.demo` and f_b = D → 32 → 16 → 1.
    public static var demo: Config { Config(frn: .demo, outputWidths: [32, 16]) }

    func check() throws {
      guard outputWidths.allSatisfy({ $0 > 0 }) else {
        throw ModelError.config("outputWidths \(outputWidths) must all be positive")
      }
      guard outputDropout >= 0 && outputDropout < 1 else {
        throw ModelError.config("outputDropout \(outputDropout) must be in [0, 1)")
      }
    }
  }
}

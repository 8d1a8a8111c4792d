// The sizes every entire-space baseline shares with BASE: the FRN of each tower
// and its output MLP, with the paper's and the demo world's defaults.

/// A configuration whose towers are BASE-shaped (FRN + f_b), as MetaCVR §3.1.3
/// asks of its competitors ("features for all competitors are the same").
public protocol TowerModelConfig {
  init()
  var frn: FRNConfig { get set }
  /// Hidden widths of each tower's output MLP.
  var outputWidths: [Int] { get set }
}

extension TowerModelConfig {
  /// The paper's sizes (§3.1.3, workload M1's widths).
  public static var paper: Self { Self() }

  /// The demo world's narrower towers: `FRNConfig.demo` and an output MLP 32 → 16 (as BASE's demo).
  public static var demo: Self {
    var c = Self()
    c.frn = .demo
    c.outputWidths = [32, 16]
    return c
  }
}

// λ of PVDR as a user writes it: a constant, `inverse:C`, or steps in p̂
// (`p<0.1:1,else:0.5`); parsed into a function of the clipped propensity.

/// A λ(p̂) rule for `PVDRLambda`, read from text (RECONSTRUCTION: EGEAN's Eq. 11–13
/// are blank in our copy; seeds-code.md §2.6 says only that λ may be a constant or
/// vary with p̂, "e.g. larger when p̂ is small"). p̂ is the clipped propensity.
///
/// Grammar (whitespace around tokens ignored):
/// - `C`, a number in [0, 1]: λ ≡ C (`0` is IPS, `1` is DR).
/// - `inverse:C`, C > 0: λ(p̂) = min(1, C/p̂). λ = 1 (DR) where p̂ ≤ C, where the
///   IPS weight 1/p̂ and so the correction's variance are largest, fading as C/p̂ above
///   (our choice of family: it follows the 1/p̂ growth of the correction's variance).
/// - `p<T1:V1,p<T2:V2,…,else:V`, thresholds 0 < T1 < T2 < … ≤ 1, values in [0, 1]:
///   λ(p̂) = V_k for the first k with p̂ < T_k, else V (`else` required, last).
///
/// `text` is the canonical spelling (numbers as Swift prints them), which names the
/// estimator in reports: "0.5", "inverse:0.05", "p<0.1:1.0,else:0.5".
public struct PVDRLambdaRule: Sendable, Equatable, CustomStringConvertible {
  public struct Step: Sendable, Equatable {
    public var below: Double
    public var value: Double
  }

  public enum Form: Sendable, Equatable {
    case constant(Double)
    case inverse(Double)
    case steps([Step], otherwise: Double)
  }

  public let form: Form

  public init(_ form: Form) { self.form = form }

  /// Parses `text` by the grammar above.
  ///
  /// - Throws: `EstimatorError.invalidLambda` saying what is wrong in plain words
  ///   (the caller prefixes the flag or config key).
  public init(parsing text: String) throws(EstimatorError) {
    let t = text.trimmingWhitespace
    func number(_ s: Substring, _ what: String) throws(EstimatorError) -> Double {
      let trimmed = String(s).trimmingWhitespace
      guard let v = Double(trimmed), v.isFinite else {
        throw .invalidLambda("'\(trimmed.prefix(40))' is not a number (\(what))")
      }
      return v
    }
    func unit(_ v: Double, _ what: String) throws(EstimatorError) -> Double {
      guard (0...1).contains(v) else { throw .invalidLambda("\(what) \(v) must be in [0, 1]") }
      return v
    }
    guard !t.isEmpty else { throw .invalidLambda("empty; give a number in [0, 1], inverse:C or p<T:V,…,else:V") }
    if let c = Double(t), c.isFinite {
      form = .constant(try unit(c, "λ"))
    } else if t.hasPrefix("inverse:") {
      let c = try number(t.dropFirst("inverse:".count), "inverse:C")
      guard c > 0 else { throw .invalidLambda("inverse:C needs C > 0, got \(c)") }
      form = .inverse(c)
    } else if t.hasPrefix("p<") || t.hasPrefix("else") {
      var steps: [Step] = []
      var otherwise: Double? = nil
      for clause in t.split(separator: ",", omittingEmptySubsequences: false) {
        let c = String(clause).trimmingWhitespace
        guard otherwise == nil else { throw .invalidLambda("'\(c.prefix(40))' comes after else (else must be last)") }
        let parts = c.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .invalidLambda("'\(c.prefix(40))' is not p<T:V or else:V") }
        let head = String(parts[0]).trimmingWhitespace
        let value = try unit(try number(parts[1], "the λ of '\(c.prefix(40))'"), "λ")
        if head == "else" {
          otherwise = value
        } else if head.hasPrefix("p<") {
          let below = try number(head.dropFirst(2), "the threshold of '\(c.prefix(40))'")
          guard below > 0 && below <= 1 else { throw .invalidLambda("threshold \(below) must be in (0, 1]") }
          if let last = steps.last, below <= last.below {
            throw .invalidLambda("thresholds must increase: p<\(below) after p<\(last.below)")
          }
          steps.append(Step(below: below, value: value))
        } else {
          throw .invalidLambda("'\(c.prefix(40))' is not p<T:V or else:V")
        }
      }
      guard let otherwise else { throw .invalidLambda("the steps need a last else:V (λ where p̂ is above every threshold)") }
      form = .steps(steps, otherwise: otherwise)
    } else {
      throw .invalidLambda("'\(t.prefix(40))' is not a number in [0, 1], inverse:C or p<T:V,…,else:V")
    }
  }

  /// λ at clipped propensity p.
  @inline(__always)
  public func callAsFunction(_ p: Double) -> Double {
    switch form {
    case .constant(let c): return c
    case .inverse(let c): return min(1, c / p)
    case .steps(let steps, let otherwise):
      for s in steps where p < s.below { return s.value }
      return otherwise
    }
  }

  /// Whether λ is the same for every p̂ (then no propensity off the rated cells is needed).
  public var isConstant: Bool {
    if case .constant = form { return true }
    return false
  }

  /// The rule as the losses take it.
  public var lambda: PVDRLambda {
    if case .constant(let c) = form { return .constant(c) }
    let rule = self
    return .ofPropensity { rule($0) }
  }

  /// The canonical text (reads back to the same rule).
  public var description: String {
    switch form {
    case .constant(let c): return "\(c)"
    case .inverse(let c): return "inverse:\(c)"
    case .steps(let steps, let otherwise):
      return (steps.map { "p<\($0.below):\($0.value)" } + ["else:\(otherwise)"]).joined(separator: ",")
    }
  }
}

extension String {
  /// Without leading and trailing spaces and tabs (CVREstimators imports no Foundation).
  var trimmingWhitespace: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
  }
}

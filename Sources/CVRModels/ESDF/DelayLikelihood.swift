// The delay part of ESDF's likelihood: log f(d | x, converted) for a seen
// conversion and log S(e | x) for a click still waiting, as one [n] tensor.
import CVRAutograd
import CVRData

/// How ESDF models the click-to-purchase delay.
public enum DelayDistribution: String, Codable, Sendable, CaseIterable {
  /// ESDF's own choice (arXiv 2011.11826, abstract and §3): no parametric
  /// assumption; time cut into day slots, a discrete-time survival model with a
  /// hazard h_t(x) = σ(z_t) per slot t = 0 … T−2 and the last slot T−1 taking
  /// every longer delay (hazard 1):
  /// f(k) = h_k ∏_{t<k} (1 − h_t) (f(T−1) = ∏_{t<T−1} (1 − h_t)),
  /// S(m) = P(slot ≥ m) = ∏_{t<m} (1 − h_t).
  case daySlots
  /// The exponential delay of Chapelle's DFM (KDD 2014, §4): λ(x) = exp(z),
  /// f(d) = λ e^{−λd}, S(e) = e^{−λe}.
  case exponential
}

/// Builds the per-sample delay term from the delay tower's logits.
///
/// Delays are read from `batch.delay` (hours) and divided by `unitHours` (24:
/// days) so λ and the slots live on a scale of order 1. A converted row's delay
/// d falls in slot k = ⌊d⌋ (capped at T−1); a clicked, unconverted row observed
/// for e gives m = ⌊e⌋ whole slots survived (capped at T−1): a wait shorter than
/// one slot says nothing about the delay, the simplification of cutting time
/// into days. Unclicked rows get a term that the loss multiplies by 0.
struct DelayLikelihood {
  let distribution: DelayDistribution
  /// T (day slots only).
  let slots: Int
  let unitHours: Float

  /// Width of the delay tower's output: T − 1 hazards, or one log-rate.
  var outputs: Int { distribution == .daySlots ? slots - 1 : 1 }

  /// The slot a delay of `hours` falls in (day slots).
  func slot(hours: Float) -> Int { min(Int(max(hours, 0) / unitHours), slots - 1) }

  /// [n]: log f(d) on converted rows, log S(e) on clicked unconverted rows (z: [n, outputs]).
  func logTerm(_ z: Tensor, _ batch: Batch, _ tape: Tape) -> Tensor {
    let n = batch.count
    switch distribution {
    case .daySlots:
      let k = outputs
      // A selects the survived slots (log(1 − h_t)), B the slot of a seen conversion (log h_k).
      let survived = tape.zeros(Shape(n, k)), event = tape.zeros(Shape(n, k))
      for b in 0..<n where batch.click[b] == 1 {
        let s = slot(hours: batch.delay[b])
        for t in 0..<min(s, k) { survived.data[b * k + t] = 1 }
        if batch.conversion[b] == 1 && s < k { event.data[b * k + s] = 1 }
      }
      let logStay = tape.neg(tape.softplus(z)), logHazard = tape.neg(tape.softplus(tape.neg(z)))
      return tape.sum(tape.add(tape.mul(survived, logStay), tape.mul(event, logHazard)), axis: 1)
    case .exponential:
      // log λ only for a seen conversion; −λ·t for both (t = delay or elapsed time).
      // The clamp keeps λ·t finite for any logit (e^20 · 10⁴ days ≪ Float.max).
      let logRate = tape.clamp(z.reshaped(Shape(n)), min: -20, max: 20)
      let converted = tape.empty(Shape(n)), time = tape.empty(Shape(n))
      for b in 0..<n {
        converted.data[b] = batch.click[b] * batch.conversion[b]
        time.data[b] = batch.click[b] * max(batch.delay[b], 0) / unitHours
      }
      return tape.sub(tape.mul(converted, logRate), tape.mul(tape.exp(logRate), time))
    }
  }
}

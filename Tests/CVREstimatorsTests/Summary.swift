// The summary statistics the unbiasedness and variance tests read off seeded
// draws of SimulatedWorld (now in the library, Sources/CVREstimators).

/// Mean, sample standard deviation and the 99 % normal half-width of the mean.
struct Summary: CustomStringConvertible {
  let mean: Double, sd: Double, count: Int
  init(_ values: [Double]) {
    count = values.count
    let m = values.reduce(0, +) / Double(values.count)
    mean = m
    sd = (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
  }
  /// z_{0.995} · sd / √n.
  var halfWidth99: Double { 2.5758 * sd / Double(count).squareRoot() }
  var variance: Double { sd * sd }
  var description: String { "mean \(mean) ± \(halfWidth99) (99 %), sd \(sd), n \(count)" }
}

// Tensor shapes of rank 0 to 4, stored inline so that building a shape in a
// training step never allocates.

/// Dimensions of a row-major, contiguous tensor (rank 0...4).
public struct Shape: Equatable, Hashable, Sendable, CustomStringConvertible,
  ExpressibleByArrayLiteral
{
  public let rank: Int
  private var d0 = 1, d1 = 1, d2 = 1, d3 = 1

  /// A scalar.
  public init() { rank = 0 }
  public init(_ a: Int) { rank = 1; d0 = a; validate() }
  public init(_ a: Int, _ b: Int) { rank = 2; d0 = a; d1 = b; validate() }
  public init(_ a: Int, _ b: Int, _ c: Int) { rank = 3; d0 = a; d1 = b; d2 = c; validate() }
  public init(_ a: Int, _ b: Int, _ c: Int, _ d: Int) {
    rank = 4; d0 = a; d1 = b; d2 = c; d3 = d; validate()
  }

  public init(_ dims: [Int]) {
    precondition(dims.count <= 4, "Shape: rank \(dims.count) > 4 is not supported")
    rank = dims.count
    if rank > 0 { d0 = dims[0] }
    if rank > 1 { d1 = dims[1] }
    if rank > 2 { d2 = dims[2] }
    if rank > 3 { d3 = dims[3] }
    validate()
  }

  public init(arrayLiteral elements: Int...) { self.init(elements) }

  private func validate() {
    precondition(d0 >= 0 && d1 >= 0 && d2 >= 0 && d3 >= 0, "Shape: negative dimension in \(self)")
  }

  /// Dimension `i`; negative `i` counts from the end (-1 is the last axis).
  @inline(__always)
  public subscript(_ i: Int) -> Int {
    let axis = i < 0 ? rank + i : i
    precondition(axis >= 0 && axis < rank, "Shape: axis \(i) out of range for \(self)")
    switch axis {
    case 0: return d0
    case 1: return d1
    case 2: return d2
    default: return d3
    }
  }

  /// The dimensions as an array (for messages and tests, not hot paths).
  public var dims: [Int] { (0..<rank).map { self[$0] } }

  /// Number of elements.
  @inline(__always) public var count: Int { d0 * d1 * d2 * d3 }

  /// Size of the last axis (1 for a scalar): the feature width of a row.
  @inline(__always) public var last: Int { rank == 0 ? 1 : self[rank - 1] }

  /// Number of rows when the tensor is viewed as [count / last, last].
  @inline(__always) public var rows: Int { last == 0 ? 0 : count / last }

  /// Product of dimensions before `axis` and after it: the tensor seen as [outer, dim, inner].
  public func split(at axis: Int) -> (outer: Int, dim: Int, inner: Int) {
    let a = axis < 0 ? rank + axis : axis
    precondition(a >= 0 && a < rank, "Shape: axis \(axis) out of range for \(self)")
    var outer = 1, inner = 1
    for i in 0..<a { outer *= self[i] }
    for i in (a + 1)..<rank { inner *= self[i] }
    return (outer, self[a], inner)
  }

  /// This shape with dimension `axis` replaced.
  public func replacing(_ axis: Int, with value: Int) -> Shape {
    let a = axis < 0 ? rank + axis : axis
    precondition(a >= 0 && a < rank, "Shape: axis \(axis) out of range for \(self)")
    var s = self
    switch a {
    case 0: s.d0 = value
    case 1: s.d1 = value
    case 2: s.d2 = value
    default: s.d3 = value
    }
    return s
  }

  public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}

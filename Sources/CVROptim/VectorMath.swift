// Scalar helpers for the update kernels, written so LLVM vectorises the loops around them.

/// √x for x that is ≥ 0 by construction (accumulated squares).
///
/// A bare `squareRoot()` compiles to a check-and-call-libm sequence (errno for
/// x < 0) that keeps the element loop scalar; clamping first proves x ≥ 0 and
/// the loop vectorises to sqrtps. NaN passes through (NaN < 0 is false).
@inline(__always)
func nonNegativeSquareRoot(_ x: Float) -> Float { (x < 0 ? 0 : x).squareRoot() }

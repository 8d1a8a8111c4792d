// One field's number, checked: ratings in 0 … max, propensities in (0, 1],
// feature values finite; each refusal says which and why.
import CVRFileIO

enum RatingsNumbers {
  /// A finite number, else an error naming the field.
  static func finite(_ p: UnsafePointer<UInt8>, _ n: Int, what: String, file: String, line: Int,
                     field: String) throws -> Float {
    guard n > 0 else { throw RatingsError(file: file, line: line, field: field, message: "the \(what) is empty") }
    guard let v = DecimalText.parseFloat(p, n) else {
      throw RatingsError(file: file, line: line, field: field, message: "the \(what) \(shown(p, n)) is not a number")
    }
    guard v.isFinite else {
      throw RatingsError(file: file, line: line, field: field, message: "the \(what) \(shown(p, n)) is not a finite number")
    }
    return v
  }

  /// A rating in 0 … max.
  static func rating(_ p: UnsafePointer<UInt8>, _ n: Int, max: Float, file: String, line: Int,
                     field: String) throws -> Float {
    let v = try finite(p, n, what: "rating", file: file, line: line, field: field)
    guard v >= 0 else {
      throw RatingsError(file: file, line: line, field: field, message: "the rating \(shown(p, n)) is negative")
    }
    guard v <= max else {
      throw RatingsError(file: file, line: line, field: field,
                         message: "the rating \(shown(p, n)) is above the maximum \(max.shortText)")
    }
    return v
  }

  /// A propensity in (0, 1].
  static func propensity(_ p: UnsafePointer<UInt8>, _ n: Int, file: String, line: Int, field: String) throws -> Float {
    let v = try finite(p, n, what: "propensity", file: file, line: line, field: field)
    guard v > 0 && v <= 1 else {
      throw RatingsError(file: file, line: line, field: field,
                         message: "the propensity \(shown(p, n)) is outside (0, 1]")
    }
    return v
  }
}

extension Float {
  /// "5" for 5.0, "4.5" for 4.5: the maximum as a user would write it.
  var shortText: String { self == rounded() && abs(self) < 1e7 ? String(Int(self)) : "\(self)" }
}

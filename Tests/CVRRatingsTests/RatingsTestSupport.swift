// Scratch files for the reader tests: write bytes, read them back, and the
// message a reader throws.
import CVRRatings
import CVRTestSupport
import Foundation
import Testing

/// `contents` written to `name` in a fresh directory.
func file(_ name: String, _ contents: String) throws -> URL {
  let url = try scratchDirectory().appendingPathComponent(name)
  try Data(contents.utf8).write(to: url)
  return url
}

/// The description of the `RatingsError` `body` throws ("" when it throws nothing).
func ratingsMessage(_ body: () throws -> Void) -> String {
  do {
    try body()
    return ""
  } catch let error as RatingsError {
    return error.description
  } catch {
    return "not a RatingsError: \(error)"
  }
}

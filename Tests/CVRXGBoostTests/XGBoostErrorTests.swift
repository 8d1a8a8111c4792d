// C API failures become XGBoostError.library with XGBoost's own message; size
// mismatches are thrown as XGBoostError.shapeMismatch before XGBoost is called.
import CVRXGBoost
import Foundation
import Testing

/// The library message of a thrown error, or nil when it is not `.library`.
func libraryMessage(_ body: () throws -> Void) -> String? {
  do {
    try body()
  } catch let XGBoostError.library(_, message) {
    return message
  } catch {
    return nil
  }
  return nil
}

@Suite struct XGBoostErrorTests {
  let toy = toySet(rows: 100, seed: 9)

  @Test func negativeMaxDepthThrowsNamingTheParameter() {
    var parameters = smallParameters()
    parameters.maxDepth = -1
    let message = libraryMessage {
      _ = try XGBoostModel.train(features: toy.features, labels: toy.labels, rows: 100, cols: 2, parameters: parameters)
    }
    #expect(message?.contains("max_depth") == true, "\(message ?? "no library error")")
  }

  @Test func unknownObjectiveThrowsNamingIt() {
    var parameters = smallParameters()
    parameters.objective = "binary:nonsense"
    let message = libraryMessage {
      _ = try XGBoostModel.train(features: toy.features, labels: toy.labels, rows: 100, cols: 2, parameters: parameters)
    }
    #expect(message?.contains("binary:nonsense") == true, "\(message ?? "no library error")")
  }

  @Test func labelOutsideZeroOneIsALibraryError() {
    var labels = toy.labels
    labels[0] = 2
    let message = libraryMessage {
      _ = try XGBoostModel.train(features: toy.features, labels: labels, rows: 100, cols: 2, parameters: smallParameters())
    }
    #expect(message?.isEmpty == false)
  }

  @Test func garbageModelFileNamesTheFile() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("xgb-garbage-\(UUID().uuidString).json")
    try Data("this is not a model".utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(throws: XGBoostError.self) { _ = try XGBoostModel.load(from: url) }
    do { _ = try XGBoostModel.load(from: url) } catch {
      #expect("\(error)".hasPrefix("\(url.path): not an XGBoost model XGBoost can read: "), "\(error)")
    }
  }

  @Test func missingModelFileNamesTheFile() {
    let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/model.json")
    #expect(throws: XGBoostError.modelFile(file: url.path, problem: "no such file (an XGBoost model file was expected)")) {
      _ = try XGBoostModel.load(from: url)
    }
  }

  @Test func anEditedModelFileIsRefused() throws {
    let model = try XGBoostModel.train(features: toy.features, labels: toy.labels, rows: 100, cols: 2,
                                       parameters: smallParameters())
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("xgb-edited-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    let digest = try model.save(to: url)
    _ = try XGBoostModel.load(from: url, expected: digest)
    // One digit of one split value changed: still a valid model XGBoost would read.
    var text = try String(contentsOf: url, encoding: .utf8)
    let index = try #require(text.firstIndex { $0.isNumber && $0 != "0" })
    text.replaceSubrange(index...index, with: text[index] == "1" ? "2" : "1")
    try text.write(to: url, atomically: true, encoding: .utf8)
    do {
      _ = try XGBoostModel.load(from: url, expected: digest)
      Issue.record("the edited model file was accepted")
    } catch {
      #expect("\(error)".hasPrefix("\(url.path): the model file was changed or damaged: "), "\(error)")
    }
  }

  @Test func shapeMismatchesThrowBeforeXGBoostSeesThem() throws {
    #expect(throws: XGBoostError.self) {
      _ = try XGBoostModel.train(features: toy.features, labels: Array(toy.labels.dropLast()), rows: 100, cols: 2)
    }
    #expect(throws: XGBoostError.self) {
      _ = try XGBoostModel.train(features: toy.features, labels: toy.labels, rows: 100, cols: 3)
    }
    let model = try XGBoostModel.train(
      features: toy.features, labels: toy.labels, rows: 100, cols: 2, parameters: smallParameters())
    #expect(throws: XGBoostError.self) { _ = try model.predict(features: [1, 2, 3], rows: 1, cols: 3) }
    #expect(throws: XGBoostError.self) { _ = try model.predict(features: [1, 2, 3], rows: 1, cols: 2) }
  }
}

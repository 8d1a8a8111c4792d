// Hot reload: a stream of requests during swaps sees only the old or the new
// version's scores and never an error; a corrupt or truncated checkpoint is
// refused and the serving version keeps answering.
import CVRCore
import CVRLoopbackClient
import CVRTestSupport
import Foundation
import Testing

@Suite(.serialized) struct ServeReloadTests {
  let fixture = ServeFixture.shared

  @Test func reloadUnderLoadSeesOnlyOldOrNewScoresAndRefusesACorruptFile() throws {
    let a = try #require(try fixture.saveNetwork("DCN", seed: 21, name: "reload-a"))
    let b = try #require(try fixture.saveNetwork("DCN", seed: 22, name: "reload-b"))
    let server = try RunningServer([("m", a.path)])
    defer { server.stop() }
    let inputs = try server.inputs("m")
    let body = fixture.instances(Array(10..<20), inputs: inputs)
    let client = server.client()
    let scoresA = try numbers(client.post("/v1/models/m:predict", body).text, "predictions")
    #expect(try client.post("/admin/models/m/reload", "{\"checkpoint\":\"\(b.path)\"}").status == 200)
    let scoresB = try numbers(client.post("/v1/models/m:predict", body).text, "predictions")
    #expect(scoresA.count == 10 && scoresB.count == 10)
    #expect(zip(scoresA, scoresB).contains { abs($0 - $1) > 1e-3 })  // two versions, told apart at 1e-6

    let stop = Flag()
    let bad = Counter(), seenA = Counter(), seenB = Counter()
    let streams = (0..<6).map { _ in
      Thread {
        let client = server.client()
        while !stop.isSet {
          guard let reply = try? client.post("/v1/models/m:predict", body), reply.status == 200,
            let got = try? numbers(reply.text, "predictions")
          else { bad.add(); continue }
          if same(got, scoresA) { seenA.add() } else if same(got, scoresB) { seenB.add() } else { bad.add() }
        }
      }
    }
    streams.forEach { $0.start() }
    let admin = server.client()
    for k in 0..<8 {
      let target = k % 2 == 0 ? a : b
      let reply = try admin.post("/admin/models/m/reload", "{\"checkpoint\":\"\(target.path)\"}")
      #expect(reply.status == 200, "\(reply.text)")
      usleep(50_000)
    }
    stop.set()
    while streams.contains(where: { !$0.isFinished }) { usleep(2000) }
    #expect(bad.value == 0)
    #expect(seenA.value > 0 && seenB.value > 0, "A \(seenA.value), B \(seenB.value)")
    // Serving b now (the last reload). A corrupt copy of a and a truncated one are refused.
    #expect(same(try numbers(client.post("/v1/models/m:predict", body).text, "predictions"), scoresB))
    var bytes = try [UInt8](Data(contentsOf: a))
    bytes[bytes.count * 3 / 4] ^= 0x40  // inside a tensor's payload
    let corrupt = fixture.directory.appendingPathComponent("reload-corrupt.ckpt")
    try Data(bytes).write(to: corrupt)
    let truncated = fixture.directory.appendingPathComponent("reload-truncated.ckpt")
    try Data(bytes.prefix(bytes.count / 2)).write(to: truncated)
    for file in [corrupt, truncated, fixture.directory.appendingPathComponent("missing.ckpt")] {
      let reply = try client.post("/admin/models/m/reload", "{\"checkpoint\":\"\(file.path)\"}")
      #expect(reply.status == 422, "\(file.lastPathComponent): \(reply.status) \(reply.text)")
      #expect(reply.text.contains("refused") && reply.text.contains("still serving version 10"), "\(reply.text)")
      #expect(same(try numbers(client.post("/v1/models/m:predict", body).text, "predictions"), scoresB))
    }
    // The metrics name the serving version and count the refusals.
    let metrics = try server.metrics()
    #expect(metrics.contains("cvr_serve_model_reloads_total{model=\"m\",result=\"refused\"} 3"), "\(metrics)")
    #expect(metrics.contains("cvr_serve_model_info{model=\"m\",kind=\"DCN\""))
    #expect(metrics.components(separatedBy: "cvr_serve_model_info{").count == 2)  // one series: the serving version
  }
}

/// Equal to 1e-6 (a batch coalesced with other requests may round a few ulps apart).
func same(_ x: [Double], _ y: [Double]) -> Bool { x.count == y.count && zip(x, y).allSatisfy { abs($0 - $1) <= 1e-6 } }

final class Flag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false
  func set() { lock.lock(); value = true; lock.unlock() }
  var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

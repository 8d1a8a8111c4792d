// The FRN on the tiny world: F(x) has the configured width and unit norm
// (Eq. 2 with Norm = L2), in both the paper's and the authors' attention.
import CVRAutograd
import CVRCore
import CVRModels
import Testing

@Suite struct FRNShapeTests {
  @Test(arguments: [false, true])
  func representationIsUnitNormWithTheConfiguredWidth(authors: Bool) throws {
    let fixture = ModelFixture.shared
    var rng = SeededGenerator(seed: 2)
    let embedder = try FeatureEmbedder(plan: try FeaturePlan(schema: fixture.schema), rng: &rng)
    var config = FRNConfig.demo
    config.authorsAttention = authors
    config.attentionUnits = 8
    config.heads = authors ? 1 : 2
    let frn = try FeatureRepresentationNetwork(config: config, embedder: embedder, rng: &rng)
    let batch = fixture.batch(fixture.rows(.train, .click, count: 5))
    let tape = Tape()
    let f = frn(embedder(batch, tape), tape)
    #expect(f.shape == Shape(5, config.representationDim))
    for b in 0..<5 {
      var norm: Float = 0
      for j in 0..<f.shape[1] { norm += f.data[b * f.shape[1] + j] * f.data[b * f.shape[1] + j] }
      #expect(abs(norm - 1) < 1e-4)
    }
  }
}

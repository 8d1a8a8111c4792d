// A config file's model_options are checked key by key against the model's
// configuration: a misspelt key is an error naming it, not silently ignored.
import CVRCore
import CVRData
import CVRModels
import Testing

@Suite struct ModelOptionKeyTests {
  static func build(_ options: JSONValue) throws -> any CVRModel {
    let plan = try FeaturePlan(schema: ModelFixture.shared.schema)
    return try ModelKinds.named("ESMM")!.build!(
      ModelBuildRequest(name: "ESMM", plan: plan, options: options, preset: .demo, seed: 1))
  }

  static func message(_ options: JSONValue) -> String {
    do {
      _ = try build(options)
      return "built"
    } catch { return "\(error)" }
  }

  @Test func aMisspeltTopLevelKeyIsNamed() {
    let text = Self.message(.object(["outputWidth": .array([.integer(6)])]))
    #expect(text.contains("model_options.ESMM: unknown key 'outputWidth'") && text.contains("outputWidths"), "\(text)")
  }

  @Test func aMisspeltNestedKeyIsNamedWithItsPath() {
    let text = Self.message(.object(["frn": .object(["headz": .integer(2)])]))
    #expect(text.contains("model_options.ESMM.frn: unknown key 'headz'"), "\(text)")
  }

  @Test func knownKeysStillBuild() throws {
    let model = try #require(try Self.build(.object(["outputWidths": .array([.integer(6)]), "trunk": .string("flat")]))
      as? ESMMModel)
    #expect(model.config.outputWidths == [6])
  }
}

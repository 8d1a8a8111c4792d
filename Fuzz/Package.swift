// swift-tools-version: 6.0
// The libFuzzer executables, one per harness, outside the main package so that
// `swift build` and `swift test` there never see a target without a main.
// Built only by `make fuzz` with -sanitize=fuzzer,address (see docs/reliability.md);
// the harness code itself is CVRFuzzEntry in the main package.
import PackageDescription

let entry = Target.Dependency.product(name: "CVRFuzzEntry", package: "cvr-engine")

let package = Package(
  name: "cvr-fuzz",
  dependencies: [.package(name: "cvr-engine", path: "..")],
  targets: [
    // Declares libFuzzer's LLVMFuzzerRunDriver: SwiftPM gives every executable its own main.
    .target(name: "CFuzzDriver", path: "Harnesses/CFuzzDriver"),
  ] + ["csv", "schema", "checkpoint", "scores"].map { harness in
    .executableTarget(name: "fuzz-\(harness)", dependencies: [entry, "CFuzzDriver"], path: "Harnesses/\(harness)")
  },
  swiftLanguageModes: [.v6]
)

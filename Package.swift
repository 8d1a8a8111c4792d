// swift-tools-version: 6.0
// A BLAS-backed engine for conversion-rate models: tensors with reverse-mode
// gradients, layers, and the kernels under them.
import PackageDescription

let package = Package(
  name: "cvr-engine",
  platforms: [.macOS(.v13)],
  products: [
    // MARK: - Public API
    .library(
      name: "CVREngine",
      targets: [
        "CVRKernels", "CVRAutograd", "CVRLayers", "CVREmbedding", "CVROptim", "CVRFileIO", "CVRCheckpoint",
        "CVRData", "CVRMetrics", "CVRXGBoost", "CVRModels", "CVRTraining",
      ]),
    .executable(name: "engine-demo", targets: ["engine-demo"]),
    .executable(name: "bench", targets: ["bench"]),
    .executable(name: "cvr", targets: ["cvr"]),
    .executable(name: "train-metacvr", targets: ["train-metacvr"]),
  ],
  dependencies: [
    // RealModule: Float elementary functions without Foundation, and `Relaxed`
    // arithmetic that lets reductions vectorise without unsafe compiler flags.
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    // Yams: the schema file is YAML (JSON reads too).
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    // ArgumentParser: the `cvr` tool's subcommands and flags.
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // MARK: - C libraries
    // OpenBLAS (cblas) and LAPACKE, found with pkg-config; apt names the packages.
    .systemLibrary(
      name: "COpenBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
    ),
    // XGBoost's C API (Debian's libxgboost-dev), for the gradient-boosted tree baseline.
    .systemLibrary(
      name: "CXGBoost",
      pkgConfig: "xgboost",
      providers: [.apt(["libxgboost-dev"])]
    ),

    // MARK: - Core
    // Raw-pointer kernels, the one BLAS bridge, threads and seeded randomness.
    .target(
      name: "CVRKernels",
      dependencies: ["COpenBLAS", .product(name: "RealModule", package: "swift-numerics")]),
    // Tensors, the tape, parameters and every differentiable op.
    .target(name: "CVRAutograd", dependencies: ["CVRKernels"]),
    // Layers built from the ops: Linear, MLP, norms, attention, cross network.
    .target(name: "CVRLayers", dependencies: ["CVRAutograd"]),
    // Embedding tables: lookups with sparse-row gradients, shared tables, hashing, LoRA.
    .target(name: "CVREmbedding", dependencies: ["CVRAutograd"]),
    // Optimizers (SGD, Adagrad, Adam, AdamW) with dense and sparse-row paths; clipping; schedules.
    .target(
      name: "CVROptim",
      dependencies: ["CVRAutograd", "CVRKernels", .product(name: "RealModule", package: "swift-numerics")]),
    // Files that are never half-written (temporary, fsync, rename), CRC32, read-only maps.
    .target(name: "CVRFileIO"),
    // The checkpoint file format: CRC32 per tensor, specific load errors.
    .target(name: "CVRCheckpoint", dependencies: ["CVRAutograd", "CVROptim", "CVRFileIO"]),
    // Metrics over whole splits (AUC, GAUC, log loss, calibration, bootstrap), the
    // CVR spaces, multi-seed summaries, and reports (Markdown, JSON, SVG plots).
    .target(name: "CVRMetrics", dependencies: ["CVRKernels", "CVRFileIO"]),
    // Data: schema, CSV ingestion into a columnar cache, splits, batches, simulators, public formats.
    .target(
      name: "CVRData",
      dependencies: ["CVRKernels", "CVRFileIO", .product(name: "Yams", package: "Yams")]),
    // The XGBoost baseline (MetaCVR paper settings): train, predict, save/load via libxgboost.
    .target(name: "CVRXGBoost", dependencies: ["CXGBoost", "CVRFileIO"]),

    // The CVR models: the shared embedding layer, MetaCVR's FRN / DMN / EPN and the baselines.
    .target(
      name: "CVRModels",
      dependencies: ["CVRAutograd", "CVRLayers", "CVREmbedding", "CVRKernels", "CVRData", "CVRCheckpoint"]),

    // Training and experiments: the trainer with early stopping, scoring, model
    // bundles (checkpoint or XGBoost + sidecar), the model catalog and the
    // multi-seed experiment behind `train-metacvr`.
    .target(
      name: "CVRTraining",
      dependencies: [
        "CVRModels", "CVRData", "CVRMetrics", "CVROptim", "CVRCheckpoint", "CVRAutograd", "CVRKernels", "CVRLayers",
        "CVRXGBoost", "CVRFileIO", .product(name: "Yams", package: "Yams"),
      ]),

    // MARK: - Executables
    .executableTarget(name: "engine-demo", dependencies: ["CVRLayers"]),
    // `cvr data generate|inspect|convert` (later: evaluate, predict).
    .executableTarget(
      name: "cvr",
      dependencies: [
        "CVRData", "CVRMetrics", "CVRFileIO", "CVRTraining",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // `train-metacvr`: trains and evaluates the models over seeds, writes the report.
    .executableTarget(
      name: "train-metacvr",
      dependencies: [
        "CVRTraining", "CVRData", "CVRMetrics", "CVRKernels", "CVRCheckpoint",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(
      name: "bench",
      dependencies: ["CVRKernels", "CVRAutograd", "CVRLayers", "CVREmbedding", "CVROptim", "CVRFileIO", "CVRData", "CVRModels"],
      path: "Benchmarks/bench"),

    // MARK: - Tests
    // Finite-difference gradient checks and tolerance helpers shared by the test bundles.
    .target(name: "CVRTestSupport", dependencies: ["CVRAutograd"]),
    .testTarget(name: "CVRKernelsTests", dependencies: ["CVRKernels"]),
    .testTarget(name: "CVRAutogradTests", dependencies: ["CVRAutograd", "CVRTestSupport"], exclude: ["Golden"]),
    .testTarget(
      name: "CVRLayersTests", dependencies: ["CVRLayers", "CVRTestSupport"],
      resources: [.copy("Golden")]),
    .testTarget(name: "CVREmbeddingTests", dependencies: ["CVREmbedding", "CVRTestSupport"]),
    .testTarget(name: "CVROptimTests", dependencies: ["CVROptim", "CVRKernels", "CVRTestSupport"], exclude: ["Golden"]),
    .testTarget(name: "CVRMetricsTests", dependencies: ["CVRMetrics", "CVRTestSupport"]),
    .testTarget(name: "CVRDataTests", dependencies: ["CVRData", "CVRTestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "CVRFileIOTests", dependencies: ["CVRFileIO", "CVRKernels", "CVRTestSupport"]),
    .testTarget(
      name: "CVRCheckpointTests",
      dependencies: ["CVRCheckpoint", "CVRFileIO", "CVROptim", "CVRLayers", "CVREmbedding", "CVRTestSupport"]),
    .testTarget(name: "CVRXGBoostTests", dependencies: ["CVRXGBoost", "CVRKernels"]),
    .testTarget(
      name: "CVRModelsTests",
      dependencies: ["CVRModels", "CVRData", "CVRCheckpoint", "CVROptim", "CVRMetrics", "CVRTestSupport"]),
    .testTarget(
      name: "CVRTrainingTests",
      dependencies: [
        "CVRTraining", "CVRModels", "CVRData", "CVRMetrics", "CVRCheckpoint", "CVRAutograd", "CVRKernels",
        "CVRTestSupport",
      ]),
  ],
  swiftLanguageModes: [.v6]
)

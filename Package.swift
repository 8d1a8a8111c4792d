// swift-tools-version: 6.0
// A BLAS-backed engine for conversion-rate models: tensors with reverse-mode
// gradients, layers, embeddings and optimizers; the CVR models of MetaCVR and
// its baselines; training, evaluation, reports and serving-ready bundles.
//
// The graph has no back edges: each target lists every module it imports, and
// the application half (models, training, serving, experiments) sits on the
// engine core without the core knowing it. docs/architecture.md draws it.
import PackageDescription

let numerics = Target.Dependency.product(name: "RealModule", package: "swift-numerics")
let yams = Target.Dependency.product(name: "Yams", package: "Yams")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let nio = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let httpTypes = Target.Dependency.product(name: "HTTPTypes", package: "swift-http-types")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")

let package = Package(
  name: "cvr-engine",
  platforms: [.macOS(.v13)],
  products: [
    // MARK: - Public API
    // `import CVREngine`: the umbrella module re-exporting the user-facing modules.
    .library(name: "CVREngine", targets: ["CVREngine"]),
    .executable(name: "engine-demo", targets: ["engine-demo"]),
    .executable(name: "bench", targets: ["bench"]),
    .executable(name: "cvr", targets: ["cvr"]),
    .executable(name: "train-metacvr", targets: ["train-metacvr"]),
    .executable(name: "train-egean", targets: ["train-egean"]),
    // The HTTP scoring server behind `cvr serve` (its own product: `import CVREngine` links no web server).
    .library(name: "CVRHTTPServing", targets: ["CVRHTTPServing", "CVRHTTPServer"]),
    .executable(name: "serve-bench", targets: ["serve-bench"]),
    // The fuzz harnesses' entry points, for the libFuzzer package under Fuzz/.
    .library(name: "CVRFuzzEntry", targets: ["CVRFuzzEntry"]),
  ],
  dependencies: [
    // RealModule: Float elementary functions without Foundation, and `Relaxed`
    // arithmetic that lets reductions vectorise without unsafe compiler flags.
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    // Yams: the schema and experiment config files are YAML (JSON reads too).
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    // ArgumentParser: the executables' subcommands, flags and shared option groups.
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // Hummingbird 2: the HTTP server of `cvr serve` (SwiftNIO underneath); only CVRHTTPServer imports it.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    // Prometheus: the text exposition of `cvr serve`'s /metrics (counters, histograms, gauges).
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    // HTTPTypes and Logging: the header and logger types of Hummingbird's API (it does not re-export them).
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    // NIOCore: the ByteBuffer Hummingbird's bodies are made of.
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
  ],
  targets: [
    // MARK: - C libraries
    // OpenBLAS (cblas), found with pkg-config; apt names the package.
    .systemLibrary(
      name: "COpenBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]
    ),
    // XGBoost's C API (Debian's libxgboost-dev), for the gradient-boosted tree baseline.
    .systemLibrary(
      name: "CXGBoost",
      pkgConfig: "xgboost",
      providers: [.apt(["libxgboost-dev"])]
    ),

    // Open MPI (Debian's libopenmpi-dev) for data-parallel training; a shim header returns
    // MPI_COMM_WORLD, the datatypes and ops, which are macros. Only CVRDistributed links it,
    // and only the training executables link CVRDistributed: `import CVREngine` needs no MPI.
    .systemLibrary(
      name: "CMPI",
      pkgConfig: "ompi-c",
      providers: [.apt(["libopenmpi-dev"])]
    ),
    // Wide-vector kernels in C (attention items, exp, sigmoid, softmax rows): Swift compiles
    // for baseline x86-64 (SSE) and has no per-function target attribute, and a package
    // cannot set -mavx2 without unsafe flags (and a binary built so would trap on older
    // CPUs). Each C function is built for AVX-512, AVX2+FMA and portable vectors through
    // target attributes, and the table is chosen at run time from the CPU's features.
    .target(name: "CVecKernels"),
    // The engine's worker pool in C (pthreads, C11 atomics): threads that spin briefly
    // after each job so the 2-thread split of a small product (an MLP layer, ~0.3 ms)
    // does not wait tens of µs for libdispatch to wake a worker. Swift's Atomic needs
    // macOS 15, above this package's platform floor.
    .target(name: "CWorkerPool"),
    // Test-only: replaces malloc & co. in the test executable to count the calling
    // thread's heap allocations (the zero-allocation test of a warm training step).
    .target(name: "CAllocationCounter"),

    // MARK: - Engine core
    // The vocabulary every layer above shares and no C: the seeded generator, the JSON value.
    .target(name: "CVRCore", dependencies: [numerics]),
    // Raw-pointer kernels, the one BLAS bridge and the thread setting (package access
    // except the user-facing knobs).
    .target(name: "CVRKernels", dependencies: ["COpenBLAS", "CVecKernels", "CWorkerPool", "CVRCore", numerics]),
    // Tensors, the tape, parameters and every differentiable op.
    .target(name: "CVRAutograd", dependencies: ["CVRCore", "CVRKernels"]),
    // Layers built from the ops: Linear, MLP, norms, attention, cross network.
    .target(name: "CVRLayers", dependencies: ["CVRCore", "CVRAutograd", "CVRKernels"]),
    // Embedding tables: lookups with sparse-row gradients, shared tables, hashing, LoRA.
    .target(name: "CVREmbedding", dependencies: ["CVRCore", "CVRAutograd", "CVRKernels"]),
    // Optimizers (SGD, Adagrad, Adam, AdamW) with dense and sparse-row paths; clipping; schedules.
    .target(name: "CVROptim", dependencies: ["CVRAutograd", "CVRKernels", numerics]),
    // Files that are never half-written (temporary, fsync, rename), CRC32, read-only maps,
    // decimal parsing and the one CSV row splitter.
    .target(name: "CVRFileIO"),
    // The checkpoint file format: CRC32 per tensor, specific load errors.
    .target(name: "CVRCheckpoint", dependencies: ["CVRCore", "CVRAutograd", "CVROptim", "CVRFileIO"]),

    // MARK: - Data, metrics, reports
    // The data vocabulary: schema, columns, Batch, splits, day ranges, normaliser, batching.
    .target(name: "CVRData", dependencies: ["CVRCore", "CVRFileIO", yams]),
    // CSV ingestion into a columnar cache, inspection, score files, public formats (Ali-CCP, AliExpress).
    .target(name: "CVRIngest", dependencies: ["CVRCore", "CVRData", "CVRFileIO", "CVRMetrics"]),
    // The simulated worlds (DDF, selection bias): files a user would bring, with known truth.
    .target(name: "CVRSimulation", dependencies: ["CVRCore", "CVRData", "CVRFileIO"]),
    // Metrics over whole splits (AUC, GAUC, log loss, calibration, bootstrap) and the CVR spaces.
    .target(name: "CVRMetrics", dependencies: ["CVRCore"]),
    // Ratings data for the debiasing benchmarks: the long and dense-matrix formats, id maps,
    // the positive threshold, feature matrices (no models).
    .target(name: "CVRRatings", dependencies: ["CVRCore", "CVRFileIO"]),
    // metrics.json (stable key order), report.md, SVG plots, multi-seed summaries.
    .target(name: "CVRReports", dependencies: ["CVRCore", "CVRMetrics", "CVRFileIO"]),
    // Debiasing estimators of the loss on missing-not-at-random data (naive, IPS, SNIPS, DR,
    // DR-JL, MRDR, StableDR, PVDR): statistics over per-sample arrays with bootstrap intervals
    // (CVRMetrics' Bootstrap) and training losses on the tape with the propensity detached and
    // clipped. Knows nothing of models, files or the command line.
    .target(name: "CVREstimators", dependencies: ["CVRCore", "CVRAutograd", "CVRMetrics"]),

    // MARK: - Application
    // The CVR models: the protocol, the kind table, one folder per model. The debiased
    // entire-space models (EGEAN, MTL-IPS/DR, ESCM², DCMT, DDPO) take their CVR losses from CVREstimators.
    .target(
      name: "CVRModels",
      dependencies: ["CVRCore", "CVRAutograd", "CVRLayers", "CVREmbedding", "CVRKernels", "CVRData", "CVREstimators"]),
    // The XGBoost baseline: the C API wrapper, its feature matrix and runner.
    .target(name: "CVRXGBoost", dependencies: ["CXGBoost", "CVRData", "CVRFileIO"]),
    // The Trainer: an injected optimizer, step(batch), a gradient hook, early stopping.
    .target(
      name: "CVRTraining",
      dependencies: ["CVRCore", "CVRAutograd", "CVRCheckpoint", "CVRData", "CVRMetrics", "CVRModels", "CVROptim"]),
    // Serving: model bundles (checkpoint or XGBoost + sidecar), loading by kind, scoring.
    .target(
      name: "CVRServing",
      dependencies: ["CVRCore", "CVRCheckpoint", "CVRData", "CVRFileIO", "CVRModels", "CVRXGBoost"]),
    // The scoring server without its web framework: request decoding (KServe v2, TF-Serving REST) with
    // the ingestion rules, the model registry with hot reload, the micro-batcher and its per-worker
    // tapes, limits and errors, the Prometheus metrics. Knows nothing of HTTP libraries.
    .target(
      name: "CVRHTTPServing",
      dependencies: [
        "CVRCore", "CVRAutograd", "CVRData", "CVRIngest", "CVRModels", "CVRServing", "CVRXGBoost", "CVRFileIO",
        prometheus,
      ]),
    // The one layer that knows Hummingbird: routes, body limits, the listening server.
    .target(name: "CVRHTTPServer", dependencies: ["CVRHTTPServing", hummingbird, httpTypes, logging, nio]),
    // A blocking HTTP/1.1 client on POSIX sockets (keep-alive, loopback) and the JSON body mutator:
    // the server tests, the fuzz passes and the load benchmark. No HTTP library, so it builds in seconds.
    .target(name: "CVRLoopbackClient", dependencies: ["CVRCore"]),
    // `import CVREngine`: re-exports the user-facing modules.
    .target(
      name: "CVREngine",
      dependencies: [
        "CVRCore", "CVRKernels", "CVRAutograd", "CVRLayers", "CVREmbedding", "CVROptim", "CVRFileIO",
        "CVRCheckpoint", "CVRData", "CVRIngest", "CVRSimulation", "CVRRatings", "CVRMetrics", "CVRReports", "CVRModels",
        "CVRXGBoost", "CVRTraining", "CVRServing", "CVREstimators",
      ]),
    // The rules of the executables' YAML config files (unknown keys, type errors in a user's words, relative paths).
    .target(name: "CVRConfigFile", dependencies: [yams]),
    // The experiment runner train-metacvr and train-egean share (catalog, config, output directory, resume
    // points, multi-seed runs, metrics.json writer) and the MetaCVR paper protocol behind `train-metacvr`.
    .target(
      name: "MetaCVRExperiment",
      dependencies: [
        "CVRCore", "CVRAutograd", "CVRCheckpoint", "CVRData", "CVRIngest", "CVRSimulation", "CVRMetrics", "CVRReports",
        "CVRModels", "CVRXGBoost", "CVRTraining", "CVRServing", "CVRFileIO", "CVRConfigFile", yams,
      ]),
    // The EGEAN paper protocol behind `train-egean` on the shared runner above: the
    // catalog of Tables 2 and 3, the defaults, the selection-bias demo, the entire-space report.
    .target(
      name: "EGEANExperiment",
      dependencies: ["CVRCore", "CVRMetrics", "CVRModels", "CVRReports", "CVRSimulation", "CVRTraining", "MetaCVRExperiment"]),

    // Data-parallel training over MPI: the one file calling MPI, the replica group behind the
    // Trainer's gradient exchange (CVRTraining's ReplicaGroup), the launch and abort rules.
    .target(name: "CVRDistributed", dependencies: ["CMPI", "CVRAutograd", "CVRTraining"]),

    // MARK: - Executables
    .executableTarget(name: "engine-demo", dependencies: ["CVRCore", "CVRAutograd", "CVRKernels", "CVRLayers"]),
    // Option groups shared by the executables (data, splits, threads).
    .target(name: "CVRCommandLine", dependencies: ["CVRData", argumentParser]),
    // `cvr data generate|inspect|convert`, `cvr evaluate`, `cvr predict`, `cvr debias simulate` (the estimator report), `cvr debias train` (MF on ratings per estimator, its --config).
    .executableTarget(
      name: "cvr",
      dependencies: [
        "CVRCommandLine", "CVRData", "CVRIngest", "CVRSimulation", "CVRMetrics", "CVRReports", "CVRFileIO",
        "CVRModels", "CVRServing", "CVRCore", "CVREstimators", "CVRRatings", "CVRAutograd", "CVROptim", "CVRTraining",
        "CVRConfigFile", "CVRHTTPServing", "CVRHTTPServer", "CVRKernels", argumentParser,
      ]),
    // `train-metacvr`: trains and evaluates the models over seeds, writes the report.
    .executableTarget(
      name: "train-metacvr",
      dependencies: [
        "CVRCommandLine", "MetaCVRExperiment", "CVRCore", "CVRData", "CVRSimulation", "CVRTraining", "CVRKernels",
        "CVRDistributed", argumentParser,
      ]),
    // `train-egean`: EGEAN, its ablations and baselines over seeds on the entire exposure space.
    .executableTarget(
      name: "train-egean",
      dependencies: [
        "CVRCommandLine", "EGEANExperiment", "MetaCVRExperiment", "CVRData", "CVRTraining", "CVRKernels",
        "CVRDistributed", argumentParser,
      ]),
    // BENCH_DISTRIBUTED=M1|M3 under mpirun times data-parallel M1 and M3 (CVRDistributed).
    .executableTarget(
      name: "bench",
      dependencies: [
        "CVRCore", "CVRKernels", "CVRAutograd", "CVRLayers", "CVREmbedding", "CVROptim", "CVRFileIO", "CVRData",
        "CVRIngest", "CVRSimulation", "CVRModels", "CVRTraining", "CVRDistributed", numerics,
      ],
      path: "Benchmarks/bench"),
    // `make bench-serve`: throughput and latency of `cvr serve` at 1/8/64 connections beside offline scoring.
    .executableTarget(
      name: "serve-bench",
      dependencies: [
        "CVRLoopbackClient", "CVRHTTPServing", "CVRServing", "CVRData", "CVRIngest", "CVRCore", "CVRKernels",
        "CVRModels", "CVRSimulation", argumentParser,
      ],
      path: "Benchmarks/serve-bench"),

    // The MPI test programme CVRDistributedTests launches under `mpirun -np 2`: a few steps of a
    // small model (parameters out), the sparse exchange cases, a rank that throws.
    .executableTarget(
      name: "distributed-check",
      dependencies: [
        "CVRDistributed", "CVRCore", "CVRAutograd", "CVRData", "CVRIngest", "CVRModels", "CVRTraining", "CVRSimulation",
        "CVRKernels",
      ],
      path: "Tests/DistributedCheck"),

    // MARK: - Fuzzing
    // Bytes into the readers (data file, schema, checkpoint, score file), errors swallowed:
    // called by the libFuzzer executables in Fuzz/ and by the corpus replay test.
    .target(
      name: "CVRFuzzEntry",
      dependencies: [
        "CVRCore", "CVRFileIO", "CVRData", "CVRIngest", "CVRCheckpoint", "CVRAutograd", "CVROptim", "CVRMetrics",
        "CVRReports",
      ]),

    // MARK: - Tests
    // Finite-difference gradient checks and tolerance helpers shared by the test bundles.
    .target(name: "CVRTestSupport", dependencies: ["CVRCore", "CVRAutograd", "CVRKernels"]),
    .testTarget(name: "CVRCoreTests", dependencies: ["CVRCore"]),
    .testTarget(name: "CVRKernelsTests", dependencies: ["CVRCore", "CVRKernels", "CVecKernels"]),
    .testTarget(
      name: "CVRAutogradTests", dependencies: ["CVRCore", "CVRAutograd", "CVRKernels", "CVRTestSupport"],
      exclude: ["Golden"]),
    .testTarget(
      name: "CVRLayersTests", dependencies: ["CVRCore", "CVRLayers", "CVRAutograd", "CVRKernels", "CVRTestSupport"],
      resources: [.copy("Golden")]),
    .testTarget(
      name: "CVREmbeddingTests", dependencies: ["CVRCore", "CVREmbedding", "CVRAutograd", "CVRTestSupport"]),
    .testTarget(
      name: "CVROptimTests", dependencies: ["CVRCore", "CVROptim", "CVRAutograd", "CVRKernels", "CVRTestSupport"],
      exclude: ["Golden"]),
    .testTarget(name: "CVRMetricsTests", dependencies: ["CVRCore", "CVRMetrics", "CVRTestSupport"]),
    .testTarget(
      name: "CVREstimatorsTests",
      dependencies: ["CVRCore", "CVREstimators", "CVRAutograd", "CVRMetrics", "CVRTestSupport"]),
    .testTarget(
      name: "CVRReportsTests",
      dependencies: ["CVRCore", "CVRMetrics", "CVRReports", "CVRIngest", "CVRFileIO", "CVRTestSupport"]),
    .testTarget(
      name: "CVRDataTests", dependencies: ["CVRCore", "CVRData", "CVRIngest", "CVRSimulation", "CVRFileIO", "CVRTestSupport"],
      exclude: ["Fixtures"]),
    .testTarget(name: "CVRFileIOTests", dependencies: ["CVRCore", "CVRFileIO", "CVRKernels", "CVRTestSupport"]),
    .testTarget(
      name: "CVRCheckpointTests",
      dependencies: [
        "CVRCore", "CVRCheckpoint", "CVRFileIO", "CVRAutograd", "CVROptim", "CVRLayers", "CVREmbedding",
        "CVRTestSupport",
      ]),
    .testTarget(name: "CVRXGBoostTests", dependencies: ["CVRXGBoost", "CVRCore"]),
    .testTarget(
      name: "CVRModelsTests",
      dependencies: [
        "CVRCore", "CVRModels", "CVRData", "CVRIngest", "CVRSimulation", "CVRAutograd", "CVRLayers", "CVREmbedding",
        "CVRCheckpoint", "CVROptim", "CVRMetrics", "CVRRatings", "CVREstimators", "CVRTestSupport",
      ]),
    .testTarget(
      name: "CVRTrainingTests",
      dependencies: [
        "CVRCore", "CVRTraining", "CVRModels", "CVRData", "CVRIngest", "CVRSimulation", "CVRMetrics", "CVRServing",
        "CVRCheckpoint", "CVRXGBoost", "CVRLayers", "CVRAutograd", "CVROptim", "CVRKernels", "MetaCVRExperiment",
        "EGEANExperiment", "CVRReports", "CVRConfigFile", "CVRTestSupport", yams,
      ]),
    .testTarget(name: "CVREngineTests", dependencies: ["CVREngine"]),
    .testTarget(
      name: "CVRHTTPServingTests",
      dependencies: [
        "CVRHTTPServing", "CVRHTTPServer", "CVRLoopbackClient", "CVRServing", "CVRModels", "CVRData", "CVRIngest",
        "CVRSimulation", "CVRCore", "CVRXGBoost", "CVRTestSupport",
      ]),
    // A warm M1- and M3-shaped training step allocates no more than a stated ceiling (counted by a malloc interposer).
    .testTarget(
      name: "CVRAllocationTests",
      dependencies: [
        "CAllocationCounter", "CVRCore", "CVRAutograd", "CVRData", "CVRLayers", "CVRModels", "CVROptim", "CVRTraining",
      ]),
    // Replays Fuzz/corpus and Fuzz/regressions through the harnesses; one test per fuzz finding.
    .testTarget(
      name: "CVRFuzzTests",
      dependencies: ["CVRFuzzEntry", "CVRCore", "CVRData", "CVRIngest", "CVRCheckpoint", "CVRAutograd", "CVROptim"]),
    .testTarget(
      name: "CVRRatingsTests", dependencies: ["CVRCore", "CVRRatings", "CVRSimulation", "CVRFileIO", "CVRTestSupport"]),
    // Runs distributed-check and train-metacvr under mpirun as subprocesses.
    .testTarget(name: "CVRDistributedTests", dependencies: ["distributed-check", "train-metacvr", "CVRTestSupport"]),
    .testTarget(
      name: "CVRCommandLineTests",
      dependencies: ["CVRCommandLine", "CVRData", "CVRSimulation", "CVRTestSupport", argumentParser]),
  ],
  swiftLanguageModes: [.v6]
)

// `import CVREngine`: one import for a user of the library. It re-exports the
// user-facing modules, so their types need no module prefix and no name is
// public in two of them.
@_exported import CVRAutograd
@_exported import CVRCheckpoint
@_exported import CVRCore
@_exported import CVRData
@_exported import CVREmbedding
@_exported import CVREstimators
@_exported import CVRFileIO
@_exported import CVRIngest
@_exported import CVRKernels
@_exported import CVRLayers
@_exported import CVRMetrics
@_exported import CVRModels
@_exported import CVRRatings
@_exported import CVROptim
@_exported import CVRReports
@_exported import CVRServing
@_exported import CVRSimulation
@_exported import CVRTraining
@_exported import CVRXGBoost

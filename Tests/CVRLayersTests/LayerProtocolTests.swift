import CVRLayers
import Testing

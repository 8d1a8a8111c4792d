// Metrics and evaluation reports (placeholder until the metrics work lands).

// Checkpoint files (placeholder until the checkpoint work lands).

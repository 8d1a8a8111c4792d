// Embedding tables and lookups (placeholder until the embedding work lands).

"""The offline plan: a stack's program run under a mock engine, checked and shown, no accounts."""

"""The end-to-end lane: the real Pulumi CLI and providers against local doubles (`make e2e`)."""

"""Tools for testing the project (not product code): the fuzzer."""

"""Benchmarks with their data generator (not part of the test run; see bench/README.md)."""

"""Benchmark measures, one module per app; every module here is imported by the runner."""

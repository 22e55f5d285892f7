"""Benchmarks: `make bench` (python -m benchmarks.run) writes docs/benchmarks.md.

They import only from benchmarks/ and from support/ (what they share with the tests, free of pytest).
"""

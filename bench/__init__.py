"""Benchmarks: each `*_bench` module here prints its figures; `python -m bench` runs them all."""

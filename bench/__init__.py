"""Measurement tooling: `make bench` (bench/run.py) and `make load` (bench/load.py). See docs/performance.md."""

"""Benchmarks and load tests run against a real server on loopback (``make bench``,
``make loadtest``); see docs/performance.md and docs/reliability.md."""

"""The benchmarks (not tests): ``python -m benchmarks`` runs them all and prints one table; each
``bench_*.py`` also runs alone. See ``benchmarks/runner.py`` and ``docs/BENCHMARKS.md``."""

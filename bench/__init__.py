"""Benchmarks of credits-tui: `python3 -m uv run python -m bench` writes bench/RESULTS.md."""

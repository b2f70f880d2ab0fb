"""Settings and URLs used only by bench/bench_workspace.py (never by the app itself)."""

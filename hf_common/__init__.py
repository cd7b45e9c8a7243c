"""What `python -m ingest` and `python -m plots` share: the command line and the lock error.

Neither side imports the other's internals; both import this. It needs only the standard
library and duckdb, so `python -m plots.export` still starts fast.
"""

"""Checks that produce :class:`peacetalks.validation.report.Issue` rows from polars frames.

Every check is vectorised: it selects the failing rows with polars expressions (or numpy, on
integer arrays and UTF-8 buffers) and turns only those into issues. Each frame carries a
``__row`` column, its 0-based row in the Parquet file.
"""

import os

# Threads for the checks that run batches or tables in parallel: one per core. More only hold more
# batches (and more of the C allocator's per-thread arenas) in memory at once.
THREADS = max(1, os.cpu_count() or 1)

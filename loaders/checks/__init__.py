"""Checks that produce :class:`peacetalks.report.Issue` rows from polars frames.

Every check is vectorised: it selects the failing rows with polars expressions (or numpy, on
integer arrays and UTF-8 buffers) and turns only those into issues. Each frame carries a
``__row`` column, its 0-based row in the Parquet file.
"""

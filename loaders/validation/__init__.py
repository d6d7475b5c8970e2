"""Validation of a corpus folder: the report, the checks and the one entry point."""

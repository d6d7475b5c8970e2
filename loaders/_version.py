"""The version of the peacetalks package: defined here once, read by setuptools and the cache key."""

__version__ = "0.1.0"

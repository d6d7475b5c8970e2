"""The version of the peacetalks package: defined here once, read by setuptools and the cache key."""

__version__ = "0.1.0"
# Where to read about the package: named in the User-Agent of the pages it fetches and on the Hub card.
PROJECT_URL = "https://pypi.org/project/peacetalks/"

"""Releases: building a Hub-ready folder, its card, changelog, Croissant metadata, checksums; publishing."""

"""Annotation interchange: import from annotation tools, export for training tools."""

"""Annotation interchange: import from annotation tools, agreement, adjudication and export."""

"""Annotation interchange: importers from and exporters to annotation tools, on one document model."""

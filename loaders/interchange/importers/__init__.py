"""Importers of annotation tools' exports into an annotator layer."""

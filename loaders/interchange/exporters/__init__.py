"""Exporters of the corpus to annotation-tool and training formats."""

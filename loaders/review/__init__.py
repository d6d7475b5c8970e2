"""Reviewing annotator layers: agreement, reliability, adjudication into gold, the gold history."""

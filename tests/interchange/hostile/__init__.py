"""Hostile inputs to ``peacetalks import`` and to mapping files: each fails with a code, and writes nothing."""

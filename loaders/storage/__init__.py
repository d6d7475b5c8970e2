"""Reading and atomically writing the corpus files: Parquet tables, annotator layers, corpus roots."""

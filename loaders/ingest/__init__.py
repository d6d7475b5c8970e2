"""Adding articles to the corpus: the raw-article parser, ingest, re-basing and split assignment."""

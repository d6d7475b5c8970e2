"""Machine suggestions for annotators: a lexicon learnt from gold, matched in articles not yet annotated."""

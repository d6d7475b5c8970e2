"""Text utilities shared by every layer: normalisation, the German tokenizer and the BIO tagger on its tokens."""

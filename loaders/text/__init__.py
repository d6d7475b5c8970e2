"""Text utilities shared by every layer: normalisation and the German tokenizer."""

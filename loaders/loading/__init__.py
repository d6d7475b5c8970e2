"""Loading the corpus for training and analysis: configs, tokens, frames, stand-off texts, the cache."""

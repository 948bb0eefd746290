"""Notebook 07, a character-level language model: the corpus, n-gram baselines, training on a stream, sampling, units, the explorer and the exercise checks."""

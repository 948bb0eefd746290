"""Notebook 04, initialisation, activation, learning rate and hidden size: many settings in one run, the explorer and the exercise checks."""

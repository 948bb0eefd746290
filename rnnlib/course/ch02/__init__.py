"""Notebook 02, backpropagation through time: the bug clinic, gradient flow, the explorer and the exercise checks."""

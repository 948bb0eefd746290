"""Notebook 05, the sine wave: the Keras overview's and the PyTorch Elman tutorial's training, the explorer and the exercise checks."""

"""Notebook 03, the binary adder: the three setups and how to train them, the carry probes, the explorer and the exercise checks."""

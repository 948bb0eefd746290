"""Notebook 01, what an RNN computes: the explorer (diagrams, hidden-state trajectories) and the exercise checks."""

"""Notebook 06, long-range memory: tasks with a chosen lag, the success-against-lag study, the explorer and the exercise checks."""

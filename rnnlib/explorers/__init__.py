"""The interactive explorers of the notebooks, one module per notebook.

Each module keeps the logic (a function that computes and draws one
setting) apart from the ipywidgets wiring, so the logic has unit tests and
the notebook's static figure and its widget draw the same thing.
"""

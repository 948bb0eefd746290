"""Self-checks for the exercises at the end of each notebook, one module per notebook.

A check takes the learner's answer, prints whether it is right (with a hint
when it is not) and returns True or False, so a cell can also assert on it.
"""


def verdict(correct, hint):
    """Print 'Correct.' or 'Not yet: <hint>' and return ``correct``."""
    print("Correct." if correct else f"Not yet: {hint}")
    return bool(correct)

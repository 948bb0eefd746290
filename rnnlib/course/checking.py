"""Self-checks for the exercises at the end of each notebook, one module per notebook.

A check takes the learner's answer, prints whether it is right (with a hint
when it is not) and returns True or False, so a cell can also assert on it.
"""


def verdict(correct, hint):
    """Print 'Correct.' or 'Not yet: <hint>' and return ``correct``."""
    print("Correct." if correct else f"Not yet: {hint}")
    return bool(correct)


def missing(answer):
    """None if the learner has answered; else print the 'replace None' hint and return False."""
    return verdict(False, "replace None with your answer, then run the cell again") if answer is None else None


def raised(exc):
    """The verdict for a learner's function that raised ``exc`` (it may fail in any way)."""
    return verdict(False, f"your function raised {type(exc).__name__}: {exc}")


def call(fn, *args):
    """(fn(*args), None), or (None, False) after printing what the learner's function raised."""
    try:
        return fn(*args), None
    except Exception as exc:  # a learner's function may fail in any way
        return None, raised(exc)

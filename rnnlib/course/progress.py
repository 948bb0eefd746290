"""Live progress for long training runs in a notebook."""
import ipywidgets as widgets


def progress_bar(description="training"):
    """An ipywidgets progress bar and a matching ``train(progress=...)`` callback.

    Returns (bar, callback); display the bar, pass the callback to ``train``.
    """
    bar = widgets.IntProgress(value=0, min=0, max=1, description=description)

    def update(step, steps, evals):
        bar.max = steps
        bar.value = step

    return bar, update

"""Notebook 03 explorer: retrain several seeds of one adder setup and draw their loss and accuracy.

``explore`` trains ``RECIPE`` with the changes the sliders make (remembering the
last few settings); ``draw_explorer`` draws one; ``explorer_widget`` puts sliders on it.
"""
import time

import matplotlib.pyplot as plt
import numpy as np

from rnnlib.course.ch03.adder import RECIPE, summarize, train_adders
from rnnlib.course.plotting import plot_band, smooth

INITS = ("xavier", "normal", "he", "orthogonal", "identity")
ACTIVATIONS = ("tanh", "sigmoid", "relu")
LEARNING_RATES = (0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0)
START = RECIPE.but(steps=300)   # where the sliders start: the better recipe, 300 steps
COLOR = "tab:green"             # the recipe's colour in notebook 03's figures


def explore(setup=START, seeds=range(5), progress=None, data_seed=2024):
    """Train ``len(seeds)`` adders of one AdderSetup, evaluating 40 times along the way.
    Returns (History, summary dict as from ``rnnlib.course.ch03.adder.summarize``).

    The last few runs are remembered (training is deterministic), so returning
    to a setting, or the widget's first draw of the default that the static
    figure has just trained, costs nothing."""
    key = (setup, tuple(int(s) for s in seeds), int(data_seed))
    if key not in _CACHE:
        history = train_adders(setup, key[1], eval_every=max(setup.steps // 40, 1), data_seed=key[2],
                               progress=progress).history
        _CACHE[key] = (history, summarize(history))
        if len(_CACHE) > 16:
            _CACHE.pop(next(iter(_CACHE)))
    return _CACHE[key]


_CACHE = {}  # (setup, seeds, data seed) -> (History, summary), oldest first


def draw_explorer(setup=START, seeds=range(5), progress=None, data_seed=2024):
    """Retrain (see ``explore``) and draw the smoothed training loss and the
    exact-sum accuracy on the fixed test set, median over seeds with a
    quartile band. Returns (figure, summary)."""
    history, summary = explore(setup, seeds, progress, data_seed)
    fig, (ax_l, ax_a) = plt.subplots(1, 2, figsize=(9, 3.5))
    window = max(history.steps // 20, 1)
    loss = smooth(history.loss, window)
    if np.isfinite(loss).any():
        plot_band(ax_l, np.arange(window, history.steps + 1), loss, color=COLOR)
        ax_l.set_yscale("log")
    ax_l.set_xlabel("training step")
    ax_l.set_ylabel(f"training loss (BCE per sum,\nmoving average of {window})")
    plot_band(ax_a, history.eval_steps, history.evals["accuracy"], color=COLOR)
    ax_a.set_ylim(-0.03, 1.03)
    ax_a.set_xlabel("training step")
    ax_a.set_ylabel("exact sums on the test set")
    s = summary
    solved = (f"{s['solved']}/{s['seeds']} seeds reach 100 %, median step {s['median_steps']:.0f}"
              if s["solved"] else f"0/{s['seeds']} seeds reach 100 %")
    if s["diverged"]:
        solved += f", {s['diverged']} diverged"
    fig.suptitle(f"{setup.activation}, {setup.init}, H={setup.n_hidden}, batch {setup.batch_size}, "
                 f"lr {setup.lr:g}: {solved}", fontsize=11)
    fig.tight_layout()
    return fig, summary


def explorer_widget(seeds=range(5)):
    """Sliders for learning rate, init, activation, hidden size, batch size and
    steps; every release retrains the seeds (with a progress bar) and redraws."""
    import ipywidgets as widgets

    from rnnlib.course.progress import progress_bar

    style = {"description_width": "initial"}
    lr = widgets.SelectionSlider(options=LEARNING_RATES, value=START.lr, description="learning rate",
                                 continuous_update=False, style=style)
    init = widgets.Dropdown(options=INITS, value=START.init, description="init")
    activation = widgets.ToggleButtons(options=ACTIVATIONS, value=START.activation, description="f")
    n_hidden = widgets.IntSlider(value=START.n_hidden, min=2, max=64, step=2, description="hidden H",
                                 continuous_update=False)
    batch_size = widgets.IntSlider(value=START.batch_size, min=1, max=64, description="batch size",
                                   continuous_update=False, style=style)
    steps = widgets.IntSlider(value=START.steps, min=100, max=5000, step=100, description="steps",
                              continuous_update=False)
    info = widgets.Label()
    # One progress bar for the explorer's lifetime, outside the redrawn area (a bar shown inside
    # the output area and closed afterwards would leave a dead widget view behind).
    bar, update = progress_bar("training")

    def show(lr, init, activation, n_hidden, batch_size, steps):
        start = time.perf_counter()
        bar.value = 0
        setup = START.but(lr=lr, init=init, activation=activation, n_hidden=n_hidden, batch_size=batch_size, steps=steps)
        draw_explorer(setup, seeds, update)
        bar.value = bar.max
        info.value = f"{len(list(seeds))} seeds: trained (or recalled) and drawn in {time.perf_counter() - start:.1f} s"
        plt.show()

    out = widgets.interactive_output(show, {"lr": lr, "init": init, "activation": activation,
                                            "n_hidden": n_hidden, "batch_size": batch_size, "steps": steps})
    return widgets.VBox([widgets.HBox([lr, steps]), widgets.HBox([n_hidden, batch_size]),
                         widgets.HBox([activation, init]), widgets.HBox([bar, info]), out])

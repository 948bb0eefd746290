"""Notebook 04 explorer: retrain the adder over several seeds for one setting.

``draw_setting`` trains one variant of the lecture's setup (init scheme and scale,
hidden activation, learning rate, hidden size, steps) on several seeds at once with
``train_adders``, draws the median training loss and test accuracy with quartile
bands, and returns the table row.
``setting_widget`` puts sliders on it; ``draw_heatmap`` draws a grid of
solve rates (the learning-rate x init-scale map).
"""
import matplotlib.pyplot as plt
import numpy as np

from rnnlib.course.ch03.adder import LECTURE, train_adders
from rnnlib.course.ch04.sweeps import summary as summarize_run, table
from rnnlib.course.plotting import plot_band, smooth
from rnnlib.data import adder_test_set
from rnnlib.init import INITS

HIDDEN_SIZES = (4, 8, 16, 32, 64, 160)
STEPS = (500, 1000, 1500, 3000, 5000, 10_000)
START = LECTURE.but(lr=1.0, steps=1000)   # where the sliders start: the lecture's setup at lr 1, 1,000 steps
EXPLORER_TEST_SET = dict(n=128, seed=12345)


def draw_setting(setup=START, seeds=range(8), progress=None, axes=None):
    """Train an AdderSetup on every seed (fresh sums every step, as in the lecture notes), draw it.

    Returns (figure, summary dict from ``rnnlib.course.ch04.sweeps.summary``, table text). Accuracy is the share of
    exact sums on 128 fixed test sums, measured 20 times per run.
    """
    s, seeds = setup, list(seeds)
    hist = train_adders(s, seeds, eval_every=max(s.steps // 20, 1),
                        test_set=adder_test_set(**EXPLORER_TEST_SET), progress=progress).history
    summary = summarize_run(hist)
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    fig = axes[0].figure
    window = max(s.steps // 50, 1)
    x = np.arange(window, hist.steps + 1)
    plot_band(axes[0], x, smooth(hist.loss, window))
    axes[0].set_xlabel("training step")
    axes[0].set_ylabel(f"training loss (mean of {window} steps)")
    axes[0].set_yscale("log")
    plot_band(axes[1], hist.eval_steps, hist.evals["accuracy"])
    axes[1].set_xlabel("training step")
    axes[1].set_ylabel("exact sums on 128 test pairs")
    axes[1].set_ylim(-0.03, 1.03)
    fig.suptitle(f"{s.label}, hidden {s.n_hidden}: median of seeds {seeds[0]}-{seeds[-1]} (band: quartiles); "
                 f"solved {summary['solved']}/{summary['seeds']}", fontsize=10)
    fig.tight_layout()
    text = table([(f"{s.label}, H {s.n_hidden}", summary)])
    return fig, summary, text


def setting_widget(seeds=range(8)):
    """Sliders for init scheme and scale, activation, learning rate, hidden size and steps;
    every change retrains all seeds (with a progress bar) and redraws. Starts at ``START``."""
    import ipywidgets as widgets
    from rnnlib.course.progress import progress_bar

    init = widgets.Dropdown(options=INITS, value=START.init, description="init")
    scale = widgets.FloatLogSlider(value=START.init_std, base=10, min=-2, max=1, step=0.25,
                                   description="init std/gain", continuous_update=False)
    activation = widgets.ToggleButtons(options=("sigmoid", "tanh", "relu"), value=START.activation, description="f")
    lr = widgets.FloatLogSlider(value=START.lr, base=10, min=-3, max=0.5, step=0.25,
                                description="lr", continuous_update=False)
    hidden = widgets.SelectionSlider(options=HIDDEN_SIZES, value=START.n_hidden, description="hidden",
                                     continuous_update=False)
    steps = widgets.SelectionSlider(options=STEPS, value=START.steps, description="steps", continuous_update=False)

    # One progress bar for the explorer's lifetime, outside the redrawn area: a bar displayed
    # inside the output area and closed at once leaves a dead view ("Error displaying widget").
    bar, callback = progress_bar("training")

    def show(init, init_std, activation, lr, n_hidden, steps):
        bar.value = 0
        # Log sliders give values like 1.77828: train (and label) the 3-digit value shown.
        init_std, lr = float(f"{init_std:.3g}"), float(f"{lr:.3g}")
        setup = LECTURE.but(init=init, init_std=init_std, activation=activation, lr=lr, n_hidden=n_hidden, steps=steps)
        _, _, text = draw_setting(setup, seeds, progress=callback)
        bar.value = bar.max
        plt.show()
        print(text)

    out = widgets.interactive_output(show, {"init": init, "init_std": scale, "activation": activation,
                                            "lr": lr, "n_hidden": hidden, "steps": steps})
    return widgets.VBox([widgets.HBox([init, scale]), activation, widgets.HBox([lr, hidden]), steps, bar, out])


def draw_heatmap(ax, values, lrs, scales, title, fmt="{:.0%}", cmap="viridis", vmin=0.0, vmax=1.0):
    """Draw values[i, j] (init scale i, learning rate j) as a coloured grid with the numbers written in."""
    im = ax.imshow(values, origin="lower", cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(lrs)), [f"{v:g}" for v in lrs])
    ax.set_yticks(range(len(scales)), [f"{v:g}" for v in scales])
    ax.set_xlabel("learning rate")
    ax.set_ylabel("init std (normal)")
    ax.set_title(title, fontsize=10)
    for i in range(len(scales)):
        for j in range(len(lrs)):
            v = values[i, j]
            ax.text(j, i, "-" if not np.isfinite(v) else fmt.format(v), ha="center", va="center",
                    color="white" if (np.isfinite(v) and v < (vmin + vmax) / 2) else "black", fontsize=9)
    return im

"""Notebook 07 explorer: temperature and prefix -> what the trained model writes, instantly.

``draw_sampler`` computes one setting (no training: it only reads the prefix and samples from a
trained model, a few milliseconds) and draws the ten most likely next characters after the
prefix at that temperature beside the model's own distribution (temperature 1); it returns
the figure and the sample. ``sampler_widget`` puts a temperature slider, a prefix box and a
sampling-seed slider on it.
"""
import matplotlib.pyplot as plt
import numpy as np

from .sampling import next_distribution, sample

TOP = 10


def shown(c):
    """A character as a readable label: space and newline spelled out."""
    return {" ": "space", "\n": "newline", "\t": "tab"}.get(c, c)


def draw_sampler(model, vocab, prefix="The hidden state", temperature=0.5, seed=0, n=240):
    """(figure, sample): the next-character distribution after ``prefix`` at ``temperature``
    (bars, the ten most likely at that temperature) against temperature 1 (outlines), and ``n``
    characters sampled with ``seed``."""
    p = next_distribution(model, vocab, prefix, temperature)
    p1 = next_distribution(model, vocab, prefix, 1.0)
    top = np.argsort(-p, kind="stable")[:TOP]
    fig, ax = plt.subplots(figsize=(7, 2.8))
    x = np.arange(TOP)
    ax.bar(x, p[top], color="tab:purple", label=f"temperature {temperature:g}")
    ax.bar(x, p1[top], fill=False, edgecolor="k", lw=1, label="temperature 1 (the model)")
    ax.set_xticks(x, [shown(vocab.chars[k]) for k in top], fontsize=8)
    ax.set_ylim(0, min(1.0, 1.15 * max(p[top].max(), p1[top].max())))
    ax.set_xlabel("next character (the ten most likely at this temperature)")
    ax.set_ylabel("probability")
    ax.set_title(f"after the prefix {prefix[-30:]!r}", fontsize=9)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig, sample(model, vocab, prefix, n, temperature, seed)


def sampler_widget(model, vocab, prefix="The hidden state"):
    """Temperature slider (0 = always the most likely character, up to 2), prefix box and sampling
    seed; each change samples again from the same trained model (no retraining)."""
    import ipywidgets as widgets

    temperature = widgets.FloatSlider(value=0.5, min=0.0, max=2.0, step=0.05, description="temperature",
                                      continuous_update=False)
    text = widgets.Text(value=prefix, description="prefix", continuous_update=False)
    seed = widgets.IntSlider(value=0, min=0, max=20, description="seed", continuous_update=False)

    def show(temperature, prefix, seed):
        try:
            fig, written = draw_sampler(model, vocab, prefix, temperature, seed)
        except ValueError as exc:                  # e.g. a character the corpus never uses
            print(f"cannot sample: {exc}")
            return
        plt.show()
        print(prefix + written)

    out = widgets.interactive_output(show, {"temperature": temperature, "prefix": text, "seed": seed})
    return widgets.VBox([widgets.HBox([temperature, seed]), text, out])

"""Notebook 03 (the binary adder): training runs that can be watched, seed 003's
output-gradient bug, and the explorer.

``train_adder`` is ``rnnlib.course.ch03.adder.run_adder`` (same models, same data
stream, same numbers) with two additions: it records, at every evaluation,
the sums each model predicts for a few watched operand pairs (to reproduce
the "Success/Failure: a + b = c" log of seed 003), and it can train another
model class (``FirstStepOutputGrad``, seed 003's bug).

``draw_explorer`` retrains several seeds of one setting and draws their
loss and accuracy; ``explorer_widget`` puts sliders on it.
"""
import time
from collections import namedtuple

import matplotlib.pyplot as plt
import numpy as np

from rnnlib.course.ch03.adder import run_adder, steps_to_solve, summarize
from rnnlib.course.plotting import plot_band, smooth
from rnnlib.data import addition_pairs, from_bits
from rnnlib.rnn import SimpleRNN

# A better recipe than the seed setups: minibatches of 8, binary cross-entropy,
# tanh, Xavier-form init with biases, learning rate 0.2. At 0.2 every model of
# every data stream tried solves the adder and stays exact, and moving every
# initial weight by one ulp changes no model's solve step; 0.3 is as fast but
# some models fail or fall off again, and which ones changes with the last bits
# of the arithmetic (notebook 03, section 4).
RECIPE = dict(n_hidden=16, activation="tanh", output_activation="sigmoid", init="xavier", init_std=1.0,
              bias=True, lr=0.2, loss="binary_cross_entropy", batch_size=8, steps=400)


class FirstStepOutputGrad(SimpleRNN):
    """A SimpleRNN with the output-layer bug of seed 003.

    Seed 003's ``OutputLayer.backward`` *assigns* ``grad_w = x.T @ delta``
    (and ``grad_b``) at every step of the reversed time loop instead of adding
    to it. The loop ends at t = 1, so W_out and c are updated with the first
    step's output gradient only: dE/dW_out = [z^1]^T delta_out^1 and
    dE/dc = delta_out^1 (summed over the batch). Everything else, including
    the error sent back into the hidden layer at every step, is right.
    """

    def backward(self, dY, truncate=None):
        dX = super().backward(dY, truncate)
        _, _, Z, V, Y = self.last_forward()                # batch-first: (E?, B, T, n)
        dV1 = np.asarray(dY, dtype=float)[..., 0, :] * self.g.grad(V[..., 0, :], Y[..., 0, :])
        self.grads["W_out"][...] = Z[..., 1, :].swapaxes(-1, -2) @ dV1   # [z^1]^T delta_out^1 only
        self.grads["c"][...] = dV1.sum(axis=-2) if self.bias else 0.0
        return dX


def nudged(model_class, direction):
    """``model_class`` whose initial weights are each moved by one ulp.

    direction +1 moves every nonzero initial parameter to the next float64 up
    (``np.nextafter(p, inf)``), -1 to the next one down; zeros (biases that
    start at 0, absent biases) stay 0. 0 returns ``model_class`` itself. A
    change in the 16th significant digit, as small as the rounding differences
    between CPUs: an in-process control for whether a training result hangs on
    the last bits.
    """
    if direction not in (-1, 0, 1):
        raise ValueError(f"direction must be -1, 0 or +1, got {direction!r}")
    if direction == 0:
        return model_class

    class Nudged(model_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for p in self.params.values():
                p[...] = np.where(p != 0, np.nextafter(p, direction * np.inf), p)

    Nudged.__name__ = Nudged.__qualname__ = f"{model_class.__name__}Nudged{direction:+d}"
    return Nudged


def train_adder(seeds=range(10), n_hidden=16, activation="sigmoid", output_activation="sigmoid",
                init="normal", init_std=1.0, bias=False, lr=0.1, clip=None, loss="squared_error",
                batch_size=1, steps=10_000, n_bits=8, eval_every=100, test_set=None, data_seed=2024,
                watch=None, model_class=SimpleRNN, progress=None, nudge=0):
    """Train one adder per seed, all at once, exactly as ``run_adder`` does.

    watch : optional (a, b), two int arrays of k operands each; the sums every
        model predicts for them are recorded at every evaluation.
    model_class : SimpleRNN, or a subclass such as ``FirstStepOutputGrad``.
    nudge : 0, or +1 / -1 to move every initial weight one ulp up / down
        before training (see ``nudged``).
    Returns (model, History, watched) with watched an (n_evals, E, k) int
    array of predicted sums (None without ``watch``).
    """
    model_class = nudged(model_class, nudge)
    X_watch = None if watch is None else addition_pairs(watch[0], watch[1], n_bits)[0]
    watched = []
    model, history = run_adder(
        seeds, n_hidden=n_hidden, activation=activation, output_activation=output_activation, init=init,
        init_std=init_std, bias=bias, lr=lr, clip=clip, loss=loss, batch_size=batch_size, steps=steps,
        n_bits=n_bits, eval_every=eval_every, test_set=test_set, data_seed=data_seed, progress=progress,
        model_class=model_class,
        on_evaluate=None if watch is None else lambda m: watched.append(from_bits(m.forward(X_watch)[..., 0])))
    return model, history, (np.array(watched) if watch is not None else None)


NudgeStudy = namedtuple("NudgeStudy", "runs not_exact nudged moved median_steps")
NudgeStudy.__doc__ = """What ``nudge_study`` measured at one setting.

runs : number of models trained (streams x nudges x seeds).
not_exact : of these, how many are not exact on the
    test set at the last step (a diverged model, whose accuracy is masked,
    counts as not exact).
nudged : number of nudged runs (streams x seeds x nudges other than 0).
moved : of the nudged runs, how many solve at another step than the same
    seed on the same stream as drawn (never solving counts as step -1).
median_steps : median step of solving over every run that solves.
"""


def nudge_study(data_seeds, seeds=range(10), nudges=(0, +1, -1), eval_every=25, **config):
    """Train ``config`` (as for ``train_adder``) on every data seed, as drawn
    and with every initial weight moved one ulp up / down (``nudges``; the
    first must be 0), and count what the nudge changes. Returns a
    ``NudgeStudy``."""
    if nudges[0] != 0:
        raise ValueError("nudges must start with 0 (the run as drawn)")
    seeds = list(seeds)
    solve, not_exact = {}, 0
    for data_seed in data_seeds:
        for nudge in nudges:
            _, h, _ = train_adder(seeds, eval_every=eval_every, nudge=nudge, data_seed=data_seed, **config)
            solve[data_seed, nudge] = steps_to_solve(h)
            not_exact += int(np.sum(np.ma.filled(h.evals["accuracy"][-1], 0.0) != 1.0))
    moved = sum(int(np.sum(solve[d, n] != solve[d, 0])) for d in data_seeds for n in nudges[1:])
    solved = np.concatenate([s[s > 0] for s in solve.values()])
    return NudgeStudy(runs=len(data_seeds) * len(nudges) * len(seeds), not_exact=not_exact,
                      nudged=len(data_seeds) * len(seeds) * (len(nudges) - 1), moved=moved,
                      median_steps=float(np.median(solved)) if solved.size else float("nan"))


def log_lines(history, watched, a, b, model=0, every=500):
    """The seed-003 log for one model: at every ``every`` steps, one line per
    watched pair, "step   500  Success : 13 + 33 = 46" (or Failure with the
    wrong sum). ``watched`` as returned by ``train_adder``."""
    lines = []
    for i, step in enumerate(history.eval_steps):
        if step % every:
            continue
        for k, (x, y) in enumerate(zip(a, b)):
            got = int(watched[i, model, k])
            word = "Success" if got == x + y else "Failure"
            lines.append(f"step {int(step):5d}  {word} : {int(x)} + {int(y)} = {got}")
    return lines


# ------------------------------------------------------------------------------ explorer
INITS = ("xavier", "normal", "he", "orthogonal", "identity")
ACTIVATIONS = ("tanh", "sigmoid", "relu")
LEARNING_RATES = (0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0)
DEFAULTS = dict(lr=RECIPE["lr"], init="xavier", activation="tanh", n_hidden=16, batch_size=8, steps=300)


def explore(lr=RECIPE["lr"], init="xavier", activation="tanh", n_hidden=16, batch_size=8, steps=300,
            seeds=range(5), progress=None, data_seed=2024):
    """Train ``len(seeds)`` adders of one setting (binary cross-entropy, biases,
    init std or gain 1, data seed 2024 unless given), evaluating 40 times along the way.
    Returns (History, summary dict as from ``rnnlib.course.ch03.adder.summarize``).

    The last few settings are remembered (training is deterministic), so
    returning to a setting, or the widget's first draw of the default that the
    static figure has just trained, costs nothing."""
    key = (float(lr), init, activation, int(n_hidden), int(batch_size), int(steps), tuple(int(s) for s in seeds),
           int(data_seed))
    if key not in _CACHE:
        cfg = dict(RECIPE, lr=key[0], init=init, activation=activation, n_hidden=key[3],
                   batch_size=key[4], steps=key[5], data_seed=key[7])
        _, history, _ = train_adder(key[6], eval_every=max(key[5] // 40, 1), progress=progress, **cfg)
        _CACHE[key] = (history, summarize(history))
        if len(_CACHE) > 16:
            _CACHE.pop(next(iter(_CACHE)))
    return _CACHE[key]


_CACHE = {}  # setting -> (History, summary), oldest first


def draw_explorer(lr=RECIPE["lr"], init="xavier", activation="tanh", n_hidden=16, batch_size=8, steps=300,
                  seeds=range(5), progress=None, data_seed=2024):
    """Retrain (see ``explore``) and draw the smoothed training loss and the
    exact-sum accuracy on the fixed test set, median over seeds with a
    quartile band. Returns (figure, summary)."""
    history, summary = explore(lr, init, activation, n_hidden, batch_size, steps, seeds, progress, data_seed)
    fig, (ax_l, ax_a) = plt.subplots(1, 2, figsize=(9, 3.5))
    window = max(history.steps // 20, 1)
    loss = smooth(history.loss, window)
    if np.isfinite(loss).any():
        plot_band(ax_l, np.arange(window, history.steps + 1), loss)
        ax_l.set_yscale("log")
    ax_l.set_xlabel("training step")
    ax_l.set_ylabel(f"training loss (BCE per sum,\nmoving average of {window})")
    plot_band(ax_a, history.eval_steps, history.evals["accuracy"])
    ax_a.set_ylim(-0.03, 1.03)
    ax_a.set_xlabel("training step")
    ax_a.set_ylabel("exact sums on the test set")
    s = summary
    solved = (f"{s['solved']}/{s['seeds']} seeds reach 100 %, median step {s['median_steps']:.0f}"
              if s["solved"] else f"0/{s['seeds']} seeds reach 100 %")
    if s["diverged"]:
        solved += f", {s['diverged']} diverged"
    fig.suptitle(f"{activation}, {init}, H={n_hidden}, batch {batch_size}, lr {lr:g}: {solved}", fontsize=11)
    fig.tight_layout()
    return fig, summary


def explorer_widget(seeds=range(5)):
    """Sliders for learning rate, init, activation, hidden size, batch size and
    steps; every release retrains the seeds (with a progress bar) and redraws."""
    import ipywidgets as widgets

    from rnnlib.course.progress import progress_bar

    style = {"description_width": "initial"}
    lr = widgets.SelectionSlider(options=LEARNING_RATES, value=DEFAULTS["lr"], description="learning rate",
                                 continuous_update=False, style=style)
    init = widgets.Dropdown(options=INITS, value=DEFAULTS["init"], description="init")
    activation = widgets.ToggleButtons(options=ACTIVATIONS, value=DEFAULTS["activation"], description="f")
    n_hidden = widgets.IntSlider(value=DEFAULTS["n_hidden"], min=2, max=64, step=2, description="hidden H",
                                 continuous_update=False)
    batch_size = widgets.IntSlider(value=DEFAULTS["batch_size"], min=1, max=64, description="batch size",
                                   continuous_update=False, style=style)
    steps = widgets.IntSlider(value=DEFAULTS["steps"], min=100, max=5000, step=100, description="steps",
                              continuous_update=False)
    info = widgets.Label()
    # One progress bar for the explorer's lifetime, outside the redrawn area (a bar shown inside
    # the output area and closed afterwards would leave a dead widget view behind).
    bar, update = progress_bar("training")

    def show(lr, init, activation, n_hidden, batch_size, steps):
        start = time.perf_counter()
        bar.value = 0
        draw_explorer(lr, init, activation, n_hidden, batch_size, steps, seeds, update)
        bar.value = bar.max
        info.value = f"{len(list(seeds))} seeds: trained (or recalled) and drawn in {time.perf_counter() - start:.1f} s"
        plt.show()

    out = widgets.interactive_output(show, {"lr": lr, "init": init, "activation": activation,
                                            "n_hidden": n_hidden, "batch_size": batch_size, "steps": steps})
    return widgets.VBox([widgets.HBox([lr, steps]), widgets.HBox([n_hidden, batch_size]),
                         widgets.HBox([activation, init]), widgets.HBox([bar, info]), out])

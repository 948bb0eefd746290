"""Notebook 01 figures and explorer: what the hidden state of an RNN does over time.

``hidden_trajectories`` runs one untrained SimpleRNN (one input, H hidden units,
recurrent W rescaled to a chosen spectral radius) on one input pattern and
returns every hidden state z^1..z^T, plus the "trace" of the input: how far
z^t is from the state the same network reaches with no input at all.
``draw_trajectories`` draws that; ``trajectories_widget`` puts sliders on it.
Nothing is trained, so every redraw is instant.

``draw_rnn_diagram`` draws the folded network and its unrolled form.
"""
import matplotlib.pyplot as plt
import numpy as np

from rnnlib.checks import positive_int
from rnnlib.init import set_spectral_radius, spectral_radius
from rnnlib.rnn import SimpleRNN

PATTERNS = ("impulse", "step", "alternating", "random bits")
ACTIVATIONS = ("tanh", "sigmoid", "relu")
RADII = (0.1, 2.0, 0.05)   # slider min, max, step


def input_pattern(pattern, T, seed=0):
    """One input sequence of length T, as a (T,) array.

    "impulse": 1 at the first step, 0 after; "step": 1 at every step;
    "alternating": +1, -1, +1, ...; "random bits": 0 or 1, drawn with ``seed``.
    """
    if pattern not in PATTERNS:
        raise ValueError(f"unknown pattern {pattern!r}: expected one of {', '.join(map(repr, PATTERNS))}")
    positive_int("T", T)
    t = np.arange(T)
    if pattern == "impulse":
        return (t == 0).astype(float)
    if pattern == "step":
        return np.ones(T)
    if pattern == "alternating":
        return np.where(t % 2 == 0, 1.0, -1.0)
    return np.random.default_rng(seed).integers(0, 2, T).astype(float)


def hidden_trajectories(radius=0.9, activation="tanh", pattern="impulse", T=30, n_hidden=8, seed=0):
    """Run an untrained RNN on one input pattern; return what its hidden state does.

    The network is ``SimpleRNN(1, n_hidden, 1, activation, init="normal", seed=seed)``
    with its recurrent W rescaled to spectral radius ``radius`` (largest |eigenvalue|).
    The input pattern's own random bits use ``seed`` too.

    Returns a dict:
        x      : (T,) the input x^1..x^T (one feature)
        Z      : (T, H) the hidden states z^1..z^T
        Z_rest : (T, H) the hidden states for an all-zero input (the resting trajectory)
        trace  : (T,) ||z^t - z_rest^t||, how much of the input is still in the state
        radius : the spectral radius of W actually used
    """
    x = input_pattern(pattern, T, seed)
    model = SimpleRNN(1, n_hidden, 1, activation=activation, output_activation="identity", seed=seed)
    set_spectral_radius(model, radius)
    X = np.stack([x[:, None], np.zeros((T, 1))])          # (B=2, T, 1): the pattern and silence
    model.forward(X)
    Z, Z_rest = model.hidden[0], model.hidden[1]
    return {"x": x, "Z": Z, "Z_rest": Z_rest, "trace": np.linalg.norm(Z - Z_rest, axis=-1),
            "radius": spectral_radius(model.params["W"])}


def draw_trajectories(radius=0.9, activation="tanh", pattern="impulse", T=30, n_hidden=8, seed=0):
    """Draw one setting: the input, every hidden unit over time, and the input's trace
    on a log scale. Returns (figure, result of hidden_trajectories)."""
    res = hidden_trajectories(radius, activation, pattern, T, n_hidden, seed)
    t = np.arange(1, T + 1)
    fig, (ax_x, ax_z, ax_tr) = plt.subplots(3, 1, figsize=(8, 5.5), sharex=True,
                                            gridspec_kw={"height_ratios": [1, 2.2, 1.6]})
    ax_x.bar(t, res["x"], width=0.6, color="gray")
    ax_x.set_ylabel("input $x^t$")
    ax_x.set_ylim(min(-1.2, res["x"].min() - 0.2), 1.2)
    ax_x.set_title(f"{activation}, spectral radius of W = {res['radius']:.2f}, input: {pattern} "
                   f"(H = {n_hidden}, seed {seed})")
    ax_z.plot(t, res["Z"], lw=1.2)
    ax_z.set_ylabel("hidden state $z^t$\n(one line per unit)")
    ax_z.axhline(0, color="k", lw=0.5)
    tiny = 1e-12  # a trace of exactly zero cannot be drawn on a log axis
    ax_tr.semilogy(t, np.maximum(res["trace"], tiny), "k.-")
    ax_tr.set_ylabel(r"$\|z^t - z^t_{rest}\|$" + "\n(log scale)")
    ax_tr.set_xlabel("time step t")
    top = max(np.max(res["trace"]), 1.0)
    ax_tr.set_ylim(max(min(np.min(res["trace"][res["trace"] > 0], initial=1.0), top) / 3, 1e-8), top * 3)
    fig.tight_layout()
    return fig, res


def trajectories_widget():
    """Sliders for the spectral radius of W, the activation and the input pattern; redraws on release."""
    import ipywidgets as widgets

    radius = widgets.FloatSlider(value=0.9, min=RADII[0], max=RADII[1], step=RADII[2],
                                 description="radius of W", continuous_update=False,
                                 style={"description_width": "initial"})
    activation = widgets.ToggleButtons(options=ACTIVATIONS, value="tanh", description="f")
    pattern = widgets.Dropdown(options=PATTERNS, value="impulse", description="input")
    seed = widgets.IntSlider(value=0, min=0, max=9, description="seed", continuous_update=False)

    def show(radius, activation, pattern, seed):
        draw_trajectories(radius, activation, pattern, seed=seed)
        plt.show()

    out = widgets.interactive_output(show, {"radius": radius, "activation": activation,
                                            "pattern": pattern, "seed": seed})
    return widgets.VBox([widgets.HBox([radius, seed]), widgets.HBox([activation, pattern]), out])


def draw_rnn_diagram(T=3):
    """The folded RNN (left) and the same network unrolled over T steps (right).

    Boxes: inputs x^t (bottom), hidden states z^t (middle, computed as
    u^t -> f -> z^t), outputs y^t (top). Every step uses the same W_in, W, W_out.
    Returns the figure.
    """
    fig, ax = plt.subplots(figsize=(9, 3.8))
    box = dict(boxstyle="round,pad=0.35", ec="dimgray", lw=1.2)
    colors = {"x": "#dbe9f6", "z": "#fde0c5", "y": "#d9f0d3", "z0": "#eeeeee"}
    ys = {"x": 0.0, "z": 1.3, "y": 2.6}

    def node(x, y, text, kind):
        ax.text(x, y, text, ha="center", va="center", fontsize=12,
                bbox=dict(box, fc=colors[kind]))

    def arrow(x0, y0, x1, y1, label=None, label_xy=None, color="black", shrink=17):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=1.3, shrinkA=shrink, shrinkB=shrink))
        if label:
            lx, ly = label_xy if label_xy else ((x0 + x1) / 2 + 0.1, (y0 + y1) / 2)
            ax.text(lx, ly, label, fontsize=11, color=color, ha="left", va="center")

    # Folded network: one cell whose output loops back into itself through W.
    fx = 0.0
    node(fx, ys["x"], "$x^t$", "x")
    node(fx, ys["z"], "$z^t$", "z")
    node(fx, ys["y"], "$y^t$", "y")
    arrow(fx, ys["x"], fx, ys["z"], "$W_{in}$", label_xy=(fx - 0.55, (ys["x"] + ys["z"]) / 2))
    arrow(fx, ys["z"], fx, ys["y"], "$W_{out}$", label_xy=(fx - 0.7, (ys["z"] + ys["y"]) / 2))
    ax.annotate("", xy=(fx + 0.25, ys["z"] - 0.12), xytext=(fx + 0.25, ys["z"] + 0.12),
                arrowprops=dict(arrowstyle="-|>", color="tab:red", lw=1.3, shrinkA=0, shrinkB=0,
                                connectionstyle="arc,angleA=0,angleB=0,armA=28,armB=28,rad=8"))
    ax.text(fx + 0.72, ys["z"], "$W$", fontsize=11, color="tab:red", ha="left", va="center")
    ax.text(fx, -0.75, "folded", ha="center", fontsize=10, style="italic")

    # "unroll" arrow.
    ax.annotate("", xy=(1.75, ys["z"]), xytext=(1.1, ys["z"]),
                arrowprops=dict(arrowstyle="simple", color="lightgray"))
    ax.text(1.42, ys["z"] + 0.3, "unroll", ha="center", fontsize=10, style="italic")

    # Unrolled network. Half-widths of the boxes (data units) so that the W arrows meet their edges.
    x0, dx, half, half0 = 2.2, 1.9, 0.42, 0.22
    node(x0, ys["z"], "$z^0$", "z0")
    for t in range(1, T + 1):
        cx = x0 + t * dx
        node(cx, ys["x"], f"$x^{t}$", "x")
        node(cx, ys["z"], f"$u^{t} \\to z^{t}$", "z")
        node(cx, ys["y"], f"$v^{t} \\to y^{t}$", "y")
        arrow(cx, ys["x"], cx, ys["z"], "$W_{in}$")
        arrow(cx, ys["z"], cx, ys["y"], "$W_{out}$")
        start = cx - dx + (half0 if t == 1 else half)
        arrow(start, ys["z"], cx - half, ys["z"], "$W$", label_xy=((start + cx - half) / 2 - 0.1, ys["z"] + 0.2),
              color="tab:red", shrink=2)
    end = x0 + T * dx
    arrow(end + half, ys["z"], end + 0.9, ys["z"], color="tab:red", shrink=2)
    ax.text(end + 1.05, ys["z"], r"$\cdots$", fontsize=14, ha="left", va="center")
    ax.text((x0 + end) / 2 + dx / 2, -0.75,
            r"unrolled: $u^t = x^t W_{in} + z^{t-1} W + b$,  $z^t = f(u^t)$,  "
            r"$v^t = z^t W_{out} + c$,  $y^t = g(v^t)$",
            ha="center", fontsize=10)
    ax.set_xlim(-1.0, end + 1.4)
    ax.set_ylim(-1.0, 3.0)
    ax.axis("off")
    ax.set_title("One RNN cell, and the same cell unrolled over time: every step shares $W_{in}$, $W$, $W_{out}$")
    fig.tight_layout()
    return fig

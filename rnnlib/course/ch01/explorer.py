"""Notebook 01 figures and explorer: what the hidden state of an RNN does over time.

``hidden_trajectories`` runs one untrained SimpleRNN (one input, H hidden units,
recurrent W rescaled to a chosen spectral radius) on one input pattern and
returns every hidden state z^1..z^T, plus the "trace" of the input: how far
z^t is from the state the same network reaches with no input at all.
``draw_trajectories`` draws that; ``trajectories_widget`` puts sliders on it.
Nothing is trained, so every redraw is instant. ``memory_steps`` and
``memory_table`` measure how long an impulse stays above 1 % of its start,
``draw_memory`` draws the impulse traces of several radii.

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
T_DEFAULT = 60             # long enough for rho = 0.9 to fall below 1 % (step 36 with seed 0)
LEVEL = 0.01               # "forgotten": the trace is below 1 % of its value at t = 1
# one colour per spectral radius, the same in every figure of notebook 01
RADIUS_COLORS = {0.5: "tab:blue", 0.7: "tab:cyan", 0.8: "tab:purple", 0.9: "tab:green",
                 0.95: "tab:orange", 1.5: "tab:red"}


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


def hidden_trajectories(radius=0.9, activation="tanh", pattern="impulse", T=T_DEFAULT, n_hidden=8, seed=0):
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
        W      : (H, H) a copy of the rescaled recurrent W
    """
    x = input_pattern(pattern, T, seed)
    model = SimpleRNN(1, n_hidden, 1, activation=activation, output_activation="identity", seed=seed)
    set_spectral_radius(model, radius)
    X = np.stack([x[:, None], np.zeros((T, 1))])          # (B=2, T, 1): the pattern and silence
    model.forward(X)
    Z, Z_rest = model.hidden[0], model.hidden[1]
    return {"x": x, "Z": Z, "Z_rest": Z_rest, "trace": np.linalg.norm(Z - Z_rest, axis=-1),
            "radius": spectral_radius(model.params["W"]), "W": model.params["W"].copy()}


def memory_steps(trace, level=LEVEL):
    """The first step t (1-based) at which ``trace[t-1] < level * trace[0]``, or None if never."""
    trace = np.asarray(trace, dtype=float)
    below = np.flatnonzero(trace < level * trace[0])
    return int(below[0]) + 1 if below.size else None


def memory_table(radii, T=200, t0=20, seed=0):
    """For each radius (tanh, impulse, H = 8, ``seed``): a dict with
        radius, factor : the trace's factor per step, (trace(2 t0) / trace(t0))^(1 / t0)
        steps          : memory_steps(trace), None if never within T
        formula        : 1 + ln(0.01) / ln(radius), the time step t at which trace(1) * radius^(t-1)
                         would reach 1 % of trace(1)
        corrected      : t0 + ln(0.01 trace(1) / trace(t0)) / ln(radius), the same straight
                         line drawn through the trace at t0, after the early transient
    (formula and corrected are None for radius >= 1)."""
    rows = []
    for r in radii:
        tr = hidden_trajectories(r, "tanh", "impulse", T=T, seed=seed)["trace"]
        row = {"radius": r, "factor": (tr[2 * t0 - 1] / tr[t0 - 1]) ** (1 / t0), "steps": memory_steps(tr),
               "formula": None, "corrected": None}
        if r < 1:
            row["formula"] = 1 + np.log(LEVEL) / np.log(r)
            row["corrected"] = t0 + np.log(LEVEL * tr[0] / tr[t0 - 1]) / np.log(r)
        rows.append(row)
    return rows


def draw_memory(radii=(0.5, 0.7, 0.9, 0.95, 1.5), T=80, t0=20, seed=0):
    """The impulse trace for each radius (tanh, H = 8) on a log axis, the straight line
    trace(t0) * radius^(t - t0) for each radius below 1 (dashed), and the 1 % level.
    Returns the figure."""
    fig, ax = plt.subplots(figsize=(9, 3.8))
    t = np.arange(1, T + 1)
    start = None
    for r in radii:
        tr = hidden_trajectories(r, "tanh", "impulse", T=T, seed=seed)["trace"]
        start = tr[0]
        color = RADIUS_COLORS.get(r)
        ax.semilogy(t, tr, ".-", color=color, ms=3, lw=1, label=rf"$\rho$ = {r}")
        if r < 1:
            ax.semilogy(t, tr[t0 - 1] * r ** (t - float(t0)), "--", color=color, lw=0.9)
    ax.axhline(LEVEL * start, color="k", lw=1, ls=":")
    ax.plot([], [], "k--", lw=0.9, label=rf"straight line through $t = {t0}$:" + "\n" + rf"trace({t0}) $\rho^{{t-{t0}}}$")
    ax.plot([], [], "k:", lw=1, label="1 % of the\ntrace at t = 1")
    ax.set_ylim(LEVEL * start / 30, 10)
    ax.set_xlim(0, T + 1)
    ax.set_xlabel("time step t (impulse at t = 1)")
    ax.set_ylabel(r"trace $\|z^t - z^t_{rest}\|$ (log scale)")
    ax.set_title(f"How long an impulse stays in the hidden state (tanh, H = 8, seed {seed})")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9)
    fig.tight_layout()
    return fig


def draw_trajectories(radius=0.9, activation="tanh", pattern="impulse", T=T_DEFAULT, n_hidden=8, seed=0):
    """Draw one setting: the input, every hidden unit over time, and the input's trace
    on a log scale; for the impulse, also the 1 % level and the first step below it.
    Returns (figure, result of hidden_trajectories)."""
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
    trace = np.maximum(res["trace"], tiny)
    ax_tr.semilogy(t, trace, "k.-", ms=3, lw=1)
    if pattern == "impulse":             # how long the one input lasts: the 1 % level and the first step below
        ax_tr.axhline(LEVEL * trace[0], color="k", lw=1, ls=":")
        k = memory_steps(res["trace"])
        if k is not None:
            ax_tr.axvline(k, color="gray", lw=0.8)
            note = f"dotted: 1 % of its start; below it from t = {k}"
        else:
            note = f"never below 1 % of its start (dotted) within T = {T}"
        ax_tr.text(0.99, 0.95, note, transform=ax_tr.transAxes, ha="right", va="top", fontsize=9,
                   bbox=dict(fc="white", ec="none", alpha=0.8))
    ax_tr.set_ylabel(r"trace $\|z^t - z^t_{rest}\|$" + "\n(log scale)")
    ax_tr.set_xlabel("time step t")
    top = max(np.max(trace), 1.0)
    ax_tr.set_ylim(max(np.min(trace) / 3, LEVEL * trace[0] / 100), top * 3)
    fig.subplots_adjust(left=0.12, right=0.98, top=0.94, bottom=0.09, hspace=0.12)  # tight_layout: 2x slower
    return fig, res


def trajectories_widget():
    """Sliders for the spectral radius of W, the seed, T, the activation and the input pattern; redraws on release."""
    import ipywidgets as widgets

    radius = widgets.FloatSlider(value=0.9, min=RADII[0], max=RADII[1], step=RADII[2],
                                 description="radius of W", continuous_update=False,
                                 style={"description_width": "initial"})
    activation = widgets.ToggleButtons(options=ACTIVATIONS, value="tanh", description="f")
    pattern = widgets.Dropdown(options=PATTERNS, value="impulse", description="input")
    seed = widgets.IntSlider(value=0, min=0, max=9, description="seed", continuous_update=False)
    T = widgets.IntSlider(value=T_DEFAULT, min=10, max=200, step=10, description="T", continuous_update=False)

    def show(radius, activation, pattern, seed, T):
        draw_trajectories(radius, activation, pattern, T=T, seed=seed)
        plt.show()

    out = widgets.interactive_output(show, {"radius": radius, "activation": activation,
                                            "pattern": pattern, "seed": seed, "T": T})
    return widgets.VBox([widgets.HBox([radius, seed, T]), widgets.HBox([activation, pattern]), out])


def draw_rnn_diagram(T=3):
    """The folded RNN (left) and the same network unrolled over T steps (right).

    Boxes: inputs x^t (bottom), hidden states z^t = f(u^t) with u^t = x^t W_in + z^{t-1} W + b
    (middle), outputs y^t = g(v^t) with v^t = z^t W_out + c (top). The folded loop carries a
    one-step delay (the black square): z^t enters the next step as z^{t-1}. Every step uses the
    same W_in, W, W_out, b, c. Returns the figure.
    """
    fig, ax = plt.subplots(figsize=(10, 4.2))
    box = dict(boxstyle="round,pad=0.35", ec="dimgray", lw=1.2)
    colors = {"x": "#dbe9f6", "z": "#fde0c5", "y": "#d9f0d3", "z0": "#eeeeee"}
    ys = {"x": 0.0, "z": 1.3, "y": 2.6}

    def node(x, y, text, kind, size=12):
        ax.text(x, y, text, ha="center", va="center", fontsize=size, bbox=dict(box, fc=colors[kind]))

    def arrow(x0, y0, x1, y1, label=None, label_xy=None, color="black", shrink=17):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=1.3, shrinkA=shrink, shrinkB=shrink))
        if label:
            lx, ly = label_xy if label_xy else ((x0 + x1) / 2 + 0.1, (y0 + y1) / 2)
            ax.text(lx, ly, label, fontsize=11, color=color, ha="left", va="center")

    # Folded network: one cell whose state loops back into itself through W, one step later.
    fx = 0.0
    node(fx, ys["x"], "$x^t$", "x")
    node(fx, ys["z"], "$z^t$", "z")
    node(fx, ys["y"], "$y^t$", "y")
    arrow(fx, ys["x"], fx, ys["z"], "$W_{in}$", label_xy=(fx - 0.62, (ys["x"] + ys["z"]) / 2))
    arrow(fx, ys["z"], fx, ys["y"], "$W_{out}$", label_xy=(fx - 0.75, (ys["z"] + ys["y"]) / 2))
    ax.text(fx - 0.3, ys["z"], "$+b,\\ f$", fontsize=10, ha="right", va="center", color="dimgray")
    ax.text(fx - 0.3, ys["y"], "$+c,\\ g$", fontsize=10, ha="right", va="center", color="dimgray")
    ax.annotate("", xy=(fx + 0.25, ys["z"] - 0.12), xytext=(fx + 0.25, ys["z"] + 0.12),
                arrowprops=dict(arrowstyle="-|>", color="tab:red", lw=1.3, shrinkA=0, shrinkB=0,
                                connectionstyle="arc,angleA=0,angleB=0,armA=28,armB=28,rad=8"))
    ax.plot([fx + 0.66], [ys["z"]], "s", color="black", ms=7)          # the one-step delay
    ax.text(fx + 0.8, ys["z"] + 0.16, "$W$", fontsize=11, color="tab:red", ha="left", va="center")
    ax.text(fx + 0.8, ys["z"] - 0.2, "delay:\n$z^{t-1}$", fontsize=8, ha="left", va="center")
    ax.text(fx, -0.75, "folded", ha="center", fontsize=10, style="italic")

    # "unroll" arrow.
    ax.annotate("", xy=(1.95, ys["z"]), xytext=(1.35, ys["z"]),
                arrowprops=dict(arrowstyle="simple", color="lightgray"))
    ax.text(1.65, ys["z"] + 0.3, "unroll", ha="center", fontsize=10, style="italic")

    # Unrolled network. Half-widths of the boxes (data units) so that the W arrows meet their edges.
    x0, dx, half, half0 = 2.4, 2.1, 0.62, 0.22
    node(x0, ys["z"], "$z^0$", "z0")
    for t in range(1, T + 1):
        cx = x0 + t * dx
        node(cx, ys["x"], f"$x^{t}$", "x")
        node(cx, ys["z"], f"$z^{t} = f(u^{t})$", "z", size=11)
        node(cx, ys["y"], f"$y^{t} = g(v^{t})$", "y", size=11)
        arrow(cx, ys["x"], cx, ys["z"], "$W_{in}$")
        arrow(cx, ys["z"], cx, ys["y"], "$W_{out}$")
        # b is added where u^t sums the two arrows (at the node), c where v^t is formed
        ax.text(cx - half - 0.02, ys["z"] - 0.3, "$+b$", fontsize=9, ha="right", va="center", color="dimgray")
        ax.text(cx - 0.36, ys["y"] - 0.3, "$+c$", fontsize=9, ha="right", va="center", color="dimgray")
        start = cx - dx + (half0 if t == 1 else half)
        arrow(start, ys["z"], cx - half, ys["z"], "$W$", label_xy=((start + cx - half) / 2 - 0.12, ys["z"] + 0.2),
              color="tab:red", shrink=2)
    end = x0 + T * dx
    arrow(end + half, ys["z"], end + 1.0, ys["z"], color="tab:red", shrink=2)
    ax.text(end + 1.05, ys["z"], r"$\cdots$", fontsize=14, ha="left", va="center")
    ax.text((x0 + end) / 2 + dx / 2, -0.75,
            r"unrolled: $u^t = x^t W_{in} + z^{t-1} W + b$,  $z^t = f(u^t)$,  "
            r"$v^t = z^t W_{out} + c$,  $y^t = g(v^t)$",
            ha="center", fontsize=10)
    ax.set_xlim(-1.1, end + 1.5)
    ax.set_ylim(-1.0, 3.0)
    ax.axis("off")
    ax.set_title("One RNN cell, and the same cell unrolled over time: every step shares "
                 "$W_{in}$, $W$, $W_{out}$, $b$, $c$ and $f$, $g$")
    fig.tight_layout()
    return fig

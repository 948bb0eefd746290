"""Notebook 02 explorer: how far back does the gradient reach?

``draw_gradient_flow`` measures ||dE/dz^{T-k}|| against k (``rnnlib.course.ch02.gradflow.gradient_flow``)
for one spectral radius of W and one activation, and draws it on a log scale
with the Pascanu-Mikolov-Bengio bound (gamma sigma_max(W))^k.
``gradient_flow_widget`` puts sliders on it.
"""
import matplotlib.pyplot as plt
import numpy as np

from rnnlib.course.ch02.gradflow import gradient_flow
from rnnlib.course.plotting import plot_band

RADII = (0.25, 4.0, 0.05)   # slider min, max, step
ACTIVATIONS = ("tanh", "sigmoid")

# One colour per spectral radius of W, in every figure of notebook 02.
RADIUS_COLOURS = {0.5: "tab:blue", 0.75: "tab:cyan", 1.0: "tab:orange", 1.5: "tab:green",
                  3.0: "tab:purple", 4.0: "tab:brown", 8.0: "tab:olive"}
NORM_LABEL = r"$\|\partial E/\partial z^{T-k}\|$"
K_LABEL = "k, steps back from the error at $z^T$"


def radius_colour(radius):
    """The colour of a spectral radius (black for one not in RADIUS_COLOURS)."""
    return RADIUS_COLOURS.get(float(radius), "black")


def _clipped_bound(ax, k, bound, colour, top):
    """Draw the bound as a dashed line up to the top of the axes (the axes fit the measured curves)."""
    inside = bound <= top
    ax.plot(k[inside], bound[inside], "--", color=colour, lw=1)


def draw_gradient_flow(radius=1.5, activation="tanh", input_scale=0.1, T=50, n_models=8, seed=0, ax=None):
    """Measure and draw one setting; returns (figure, result of gradient_flow).

    Seeds seed..seed+n_models-1 for the models; the median over models is the
    line, the band spans the quartiles; the dashed line is the median bound,
    drawn up to the top of the axes (the axes fit the measured curve).
    """
    res = gradient_flow(activation, radius, T=T, input_scale=input_scale, n_models=n_models, seed=seed)
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 3.6))
    else:
        fig = ax.figure
    colour = radius_colour(radius)
    norms = np.maximum(res["norms"], 1e-300)       # an exact zero cannot be drawn on a log axis
    plot_band(ax, res["k"], norms.T, color=colour, label=f"measured, median of {n_models} models (band: quartiles)")
    lo, hi = np.min(norms), np.max(norms)
    top = hi * 1e3
    ax.set_ylim(lo / 10, top)
    factor = res["gamma"] * np.median(res["sigma"])
    _clipped_bound(ax, res["k"], np.median(res["bound"], axis=0), colour, top)
    ax.plot([], [], "--", color=colour, lw=1, label=rf"bound $(\gamma\,\sigma_{{max}})^k$, $\gamma\sigma_{{max}}$ = {factor:.2f}")
    ax.set_yscale("log")
    ax.set_xlabel(K_LABEL)
    ax.set_ylabel(NORM_LABEL + f", T = {T}")
    ax.set_title(f"{activation}, spectral radius {radius:.2f}, input std {input_scale:g}: "
                 rf"median $\|\partial E/\partial z^0\|$ = {np.median(res['norms'][:, -1]):.1e}", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    return fig, res


def draw_flows(flows, T=50):
    """The two-panel figure of notebook 02, section 7: tanh (left) and sigmoid (right).

    flows : {(activation, radius): result of gradient_flow}. Each panel's y axis
    fits its own measured curves; one colour per radius (``RADIUS_COLOURS``),
    solid = median measured (band: quartiles), dashed = median bound.
    """
    from matplotlib.lines import Line2D

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, act in zip(axes, ACTIVATIONS):
        mine = {r: res for (a, r), res in flows.items() if a == act}
        lo = min(np.min(np.maximum(res["norms"], 1e-300)) for res in mine.values())
        hi = max(np.max(res["norms"]) for res in mine.values())
        top = hi * 1e3
        ax.set_yscale("log")
        ax.set_ylim(lo / 10, top)
        handles = []
        for radius, res in mine.items():
            colour = radius_colour(radius)
            line = plot_band(ax, res["k"], res["norms"].T, color=colour)
            _clipped_bound(ax, res["k"], np.median(res["bound"], axis=0), colour, top)
            handles.append(Line2D([], [], color=colour, label=f"radius {radius:g}"))
        handles += [Line2D([], [], color="gray", label="solid: measured, median\nof 8 (band: quartiles)"),
                    Line2D([], [], color="gray", ls="--", label="dashed: bound $(\\gamma\\sigma_{max})^k$,\ndrawn up to the top")]
        ax.set_xlabel(K_LABEL)
        ax.set_ylabel(NORM_LABEL + f", T = {T}")
        gamma = next(iter(mine.values()))["gamma"]
        ax.set_title(rf"{act} ($\gamma$ = {gamma:g})", fontsize=10)
        ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def gradient_flow_widget():
    """Sliders for the spectral radius of W, the activation and the input size; redraws on release."""
    import ipywidgets as widgets

    radius = widgets.FloatSlider(value=1.5, min=RADII[0], max=RADII[1], step=RADII[2],
                                 description="radius", continuous_update=False)
    activation = widgets.ToggleButtons(options=ACTIVATIONS, value="tanh", description="f")
    scale = widgets.FloatLogSlider(value=0.1, base=10, min=-2, max=0.5, step=0.25,
                                   description="input std", continuous_update=False)

    def show(radius, activation, input_scale):
        draw_gradient_flow(radius, activation, input_scale)
        plt.show()

    out = widgets.interactive_output(show, {"radius": radius, "activation": activation, "input_scale": scale})
    return widgets.VBox([widgets.HBox([radius, activation]), scale, out])


def draw_unrolled_graph(ax=None):
    """The computational graph of two unrolled steps, forward (black) and the errors of BPTT (red)."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 3.8))
    else:
        fig = ax.figure
    pos = {"z^0": (0, 1), "x^1": (1, 0), "u^1": (1, 1), "z^1": (2, 1), "v^1": (2, 2), "y^1": (2, 3),
           "E^1": (2, 3.9), "x^2": (3, 0), "u^2": (3, 1), "z^2": (4, 1), "v^2": (4, 2), "y^2": (4, 3),
           "E^2": (4, 3.9)}
    for name, (x, y) in pos.items():
        ax.text(x, y, f"${name}$", ha="center", va="center", fontsize=12,
                bbox=dict(boxstyle="round", fc="lightyellow" if name[0] in "xE" else "white", ec="gray"))

    def arrow(a, b, label, color="black", offset=(0.0, 0.0), rad=0.0, style="-|>"):
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.annotate("", xy=(x1 + offset[0], y1 + offset[1]), xytext=(x0 + offset[0], y0 + offset[1]),
                    arrowprops=dict(arrowstyle=style, color=color, shrinkA=14 if color == "black" else 9,
                                    shrinkB=14 if color == "black" else 9,
                                    connectionstyle=f"arc3,rad={rad}", ls="-" if color == "black" else "--"))
        if label:
            ax.text((x0 + x1) / 2 + offset[0] + 0.06, (y0 + y1) / 2 + offset[1] + 0.08, label,
                    color=color, fontsize=9, ha="left")

    for t in ("1", "2"):
        arrow("x^" + t, "u^" + t, r"$W_{in}$")
        arrow("u^" + t, "z^" + t, "$f$")
        arrow("z^" + t, "v^" + t, r"$W_{out}$")
        arrow("v^" + t, "y^" + t, "$g$")
        arrow("y^" + t, "E^" + t, "")
    arrow("z^0", "u^1", "$W$")
    arrow("z^1", "u^2", "$W$")
    red = "tab:red"
    arrow("v^2", "z^2", "", red, offset=(0.22, 0.0))
    arrow("u^2", "z^1", "", red, offset=(0.0, -0.22))
    arrow("v^1", "z^1", "", red, offset=(0.22, 0.0))
    arrow("z^2", "u^2", "", red, offset=(0.0, 0.22))
    arrow("z^1", "u^1", "", red, offset=(0.0, 0.22))
    ax.text(3.2, 1.32, r"$\odot f'(u^2)$", color=red, fontsize=9)
    ax.text(1.2, 1.32, r"$\odot f'(u^1)$", color=red, fontsize=9)
    ax.text(4.3, 1.5, r"$\delta_{out}^2 W_{out}^T$", color=red, fontsize=9)
    ax.text(2.35, 1.5, r"$\delta_{out}^1 W_{out}^T$", color=red, fontsize=9)
    ax.text(2.3, 0.55, r"$\delta^2 W^T$", color=red, fontsize=9)
    ax.text(-0.3, 3.6, "black: forward\nred, dashed: errors flowing back (BPTT):\ninto $z^t$, then through $f'$ into $u^t$", fontsize=9,
            va="top")
    ax.set_xlim(-0.4, 5.0)
    ax.set_ylim(-0.4, 4.3)
    ax.axis("off")
    ax.set_title("Two unrolled steps: $z^1$ receives error from its own output and from step 2")
    fig.tight_layout()
    return fig


def draw_truncation(T=8, k=3, scheme="per-output", ax=None):
    """Which error terms a truncation keeps: rows = the output step t whose error it is,
    columns = the step s of u^s it reaches. Returns the figure.

    scheme "per-output": ``SimpleRNN.backward(dY, truncate=k)``, every output's error
    reaches k steps back. scheme "windows": ``rnnlib.train.train_stream(..., window=k)``,
    the stream cut into windows of k steps; an error reaches back to the start of its
    window only (the first output of a window: 1 step, the last: k steps).
    """
    from matplotlib.colors import ListedColormap

    if scheme not in ("per-output", "windows"):
        raise ValueError(f"scheme must be 'per-output' or 'windows', got {scheme!r}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.8))
    else:
        fig = ax.figure
    t = np.arange(1, T + 1)[:, None]
    s = np.arange(1, T + 1)[None, :]
    if scheme == "per-output":
        kept = t - s < k
        title = f"per-output, truncate={k}"
    else:
        kept = (t - 1) // k == (s - 1) // k
        title = f"windows of {k} steps"
        for edge in np.arange(k, T, k):
            ax.axvline(edge + 0.5, color="black", lw=1)
    grid = np.where(s > t, 0, np.where(kept, 2, 1))  # 0 none, 1 dropped, 2 kept
    ax.imshow(grid, cmap=ListedColormap(["white", "lightcoral", "tab:blue"]), vmin=0, vmax=2,
              extent=(0.5, T + 0.5, T + 0.5, 0.5))
    ax.set_xticks(range(1, T + 1))
    ax.set_yticks(range(1, T + 1))
    ax.set_xlabel("$s$: the step whose $u^s$ the error reaches")
    ax.set_ylabel("$t$: the output whose error it is")
    ax.set_title(f"{title}: blue kept, red dropped (T={T})", fontsize=10)
    fig.tight_layout()
    return fig


def draw_truncation_bias(ks, per_output, windowed, T, floor=1e-17, ax=None):
    """The bias of both truncations against k, one colour per radius (solid: per-output,
    dashed: windows). per_output, windowed : {radius: (len(ks),) relative errors}.
    Every k is drawn; only exact zeros (one window of k = T is full BPTT) fall off the log axis.
    The star marks k = T at the largest measured per-output value there (rounding, about 1e-16).
    Returns the figure."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3.8))
    else:
        fig = ax.figure
    ks = np.asarray(ks)
    for radius in per_output:
        colour = radius_colour(radius)
        for values, style, name in ((per_output[radius], "o-", "per-output"), (windowed[radius], "s--", "windows")):
            values = np.asarray(values, dtype=float)
            shown = np.ma.masked_less_equal(values, 0.0)
            ax.plot(ks, shown, style, color=colour, ms=3, lw=1, label=f"radius {radius:g}, {name}")
    at_T = max(float(np.asarray(v, dtype=float)[ks == T].max()) for v in per_output.values())
    ax.plot([T], [max(at_T, floor)], "k*", ms=11, clip_on=False, zorder=5,
            label="k = T: full BPTT (windows exactly;\nper-output up to rounding, ~1e-16)")
    ax.set_yscale("log")
    ax.set_ylim(floor, 1.0)
    ax.set_xlabel("k: truncation length (per-output) or window length (windows), steps")
    ax.set_ylabel("relative error vs full BPTT")
    ax.set_title(f"Bias of the two truncations (gradients of W_in, W, b; tanh, T = {T})", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


CLIP_COLOURS = {"no clipping, lr 0.1": "tab:gray", "clip = 1, lr 0.1": "tab:cyan", "no clipping, lr 0.03": "tab:pink"}


def draw_clipping_runs(runs, window=25, top=1e3):
    """One panel per run, one thin line per seed (a 25-step moving average of the loss, capped
    at ``top``: a seed above it runs along the top edge), a red x where a seed diverged (its
    line ends there). runs : {name: History}."""
    from rnnlib.course.plotting import smooth

    fig, axes = plt.subplots(1, len(runs), figsize=(4 * len(runs), 3.4), sharey=True)
    for ax, (name, h) in zip(np.atleast_1d(axes), runs.items()):
        colour = CLIP_COLOURS.get(name, "black")
        curves = smooth(np.ma.minimum(h.loss, top), window)       # NaN after a divergence: the line ends
        x = np.arange(window, h.steps + 1)
        for e in range(curves.shape[1]):
            ax.plot(x, curves[:, e], color=colour, lw=0.8)
        dead = h.diverged_at[h.diverged_at > 0]
        ax.plot(dead, np.full(len(dead), top), "x", color="tab:red", ms=7,
                label=f"diverged: {len(dead)} of {len(h.diverged_at)}")
        ax.set_yscale("log")
        ax.set_ylim(1e-4, top * 1.5)
        ax.set_xlabel("training step")
        ax.set_title(name, fontsize=10)
        ax.legend(fontsize=8, loc="lower left")
    np.atleast_1d(axes)[0].set_ylabel(f"loss per sum ({window}-step average,\ncapped at {top:g})")
    fig.tight_layout()
    return fig

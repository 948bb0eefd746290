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


def draw_gradient_flow(radius=1.5, activation="tanh", input_scale=0.1, T=50, n_models=8, seed=0, ax=None):
    """Measure and draw one setting; returns (figure, result of gradient_flow).

    Seeds seed..seed+n_models-1 for the models; the median over models is the
    line, the band spans the quartiles; the dashed line is the median bound.
    """
    res = gradient_flow(activation, radius, T=T, input_scale=input_scale, n_models=n_models, seed=seed)
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 3.5))
    else:
        fig = ax.figure
    tiny = 1e-300  # an exact zero cannot be drawn on a log axis
    plot_band(ax, res["k"], np.maximum(res["norms"], tiny).T, label=f"measured, median of {n_models} models (band: quartiles)")
    factor = res["gamma"] * np.median(res["sigma"])
    ax.plot(res["k"], np.median(res["bound"], axis=0), "k--",
            label=rf"bound $(\gamma\,\sigma_{{max}})^k$, $\gamma\sigma_{{max}}$ = {factor:.2f}")
    ax.set_yscale("log")
    ax.set_xlabel("k, steps back from the error")
    ax.set_ylabel(r"$\|\partial E/\partial z^{T-k}\|$")
    rate = np.median(res["rate"])
    ax.set_title(f"{activation}, spectral radius {radius:.2f}: measured factor per step {rate:.3f}")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    lo = max(np.min(res["norms"][res["norms"] > 0], initial=1.0), 1e-60)
    ax.set_ylim(min(lo, 1e-3) / 10, max(np.max(res["norms"]), 10.0) * 10)
    return fig, res


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
    ax.text(4.3, 1.5, r"$\delta_{out}^2 W_{out}^T$", color=red, fontsize=9)
    ax.text(2.35, 1.5, r"$\delta_{out}^1 W_{out}^T$", color=red, fontsize=9)
    ax.text(2.3, 0.55, r"$\delta^2 W^T$", color=red, fontsize=9)
    ax.text(-0.3, 3.6, "black: forward\nred, dashed: errors flowing back\ninto $z^t$ (BPTT)", fontsize=9,
            va="top")
    ax.set_xlim(-0.4, 5.0)
    ax.set_ylim(-0.4, 4.3)
    ax.axis("off")
    ax.set_title("Two unrolled steps: $z^1$ receives error from its own output and from step 2")
    fig.tight_layout()
    return fig


def draw_truncation(T=8, k=3, ax=None):
    """Which error terms truncated BPTT keeps: rows = the output step t whose error it is,
    columns = the step s of u^s it reaches. Returns the figure."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.8))
    else:
        fig = ax.figure
    t = np.arange(1, T + 1)[:, None]
    s = np.arange(1, T + 1)[None, :]
    grid = np.where(s > t, 0, np.where(t - s < k, 2, 1))  # 0 none, 1 dropped, 2 kept
    from matplotlib.colors import ListedColormap
    ax.imshow(grid, cmap=ListedColormap(["white", "lightcoral", "tab:blue"]), vmin=0, vmax=2,
              extent=(0.5, T + 0.5, T + 0.5, 0.5))
    ax.set_xticks(range(1, T + 1))
    ax.set_yticks(range(1, T + 1))
    ax.set_xlabel("$s$: the step whose $u^s$ the error reaches")
    ax.set_ylabel("$t$: the output whose error it is")
    ax.set_title(f"truncate={k}: blue kept, red dropped (T={T})")
    fig.tight_layout()
    return fig

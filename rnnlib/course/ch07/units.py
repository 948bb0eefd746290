"""What a hidden unit learned: features of the text a learner can see, and the unit that tracks one.

After the approach of Karpathy, Johnson and Fei-Fei (2015), "Visualizing and Understanding
Recurrent Networks": compute, for every position t of a text, a feature of what has been read
up to and including character t (inside brackets? how far into the line?), and correlate it
with each hidden unit's z^t over the text. Two controls say whether a correlation means memory:
the same network before training, and the best that any function of the current character
alone can do (the correlation ratio eta: a unit that only echoes its input reaches at most that).
"""
import matplotlib.pyplot as plt
import numpy as np

from rnnlib.checks import positive_int


def features(text):
    """{name: (len(text),) float array}, each the state after reading text[t]:

    "inside ( )" : 1 while a round bracket is open (depth > 0; a ')' with none open is ignored),
    "inside double quotes" : 1 between an odd and an even '"' (a docstring's three quotes toggle it once),
    "position in line" : characters since the last newline (0 on the newline itself),
    "position in word" : letters since the last non-letter (0 on a non-letter).
    """
    n = len(text)
    out = {name: np.zeros(n) for name in ("inside ( )", "inside double quotes", "position in line", "position in word")}
    depth, quoted, col, word = 0, False, 0, 0
    for t, c in enumerate(text):
        depth = depth + 1 if c == "(" else max(depth - 1, 0) if c == ")" else depth
        quoted = (not quoted) if c == '"' else quoted
        col = 0 if c == "\n" else col + 1
        word = word + 1 if c.isalpha() else 0
        out["inside ( )"][t] = depth > 0
        out["inside double quotes"][t] = quoted
        out["position in line"][t] = col
        out["position in word"][t] = word
    return out


def hidden_states(model, ids, start, stop, warm=50):
    """z^t after reading ids[t], for t in start..stop-1: (M?, stop - start, H).

    The network first reads the ``warm`` characters before ``start`` (from a zero state)."""
    ids = np.asarray(ids, dtype=int)
    warm = positive_int("warm", warm)
    if not warm <= start < stop <= len(ids):
        raise ValueError(f"need warm <= start < stop <= len(ids), got {warm}, {start}, {stop}, {len(ids)}")
    model.forward(np.eye(model.n_in)[ids[start - warm:stop]][None])
    return model.hidden[..., 0, warm:, :]


def correlations(states, feature):
    """Pearson r of every unit with the feature: states (M?, T, H), feature (T,) -> (M?, H).

    A unit that never changes (or a constant feature) gets r = 0."""
    z = states - states.mean(axis=-2, keepdims=True)
    f = np.asarray(feature, dtype=float) - np.mean(feature)
    den = np.sqrt((z * z).sum(axis=-2) * (f * f).sum())
    return np.where(den > 0, (f @ z) / np.where(den > 0, den, 1.0), 0.0)


def correlation_ratio(ids, feature):
    """r_char = sqrt(between-character variance / total variance) of the feature: the largest
    correlation with the feature that any function of the current character can reach."""
    ids = np.asarray(ids, dtype=int)
    f = np.asarray(feature, dtype=float)
    total = ((f - f.mean()) ** 2).sum()
    if total == 0:
        return 0.0
    counts = np.bincount(ids)
    means = np.bincount(ids, weights=f) / np.maximum(counts, 1)
    return float(np.sqrt(((means[ids] - f.mean()) ** 2).sum() / total))


def best_unit(states, feature):
    """(unit, r): the unit with the largest |r| (per model with n_models: arrays (M,))."""
    r = correlations(states, feature)
    j = np.argmax(np.abs(r), axis=-1)
    return j, np.take_along_axis(r, np.asarray(j)[..., None], axis=-1)[..., 0]


def draw_unit(text, activation, width=80, title="", ax=None):
    """The text laid out in lines (wrapped at ``width``), each character on a square coloured by
    the unit's activation (blue -1 .. white 0 .. red +1). Returns the figure."""
    width = positive_int("width", width)
    activation = np.asarray(activation, dtype=float)
    if activation.shape != (len(text),):
        raise ValueError(f"one activation per character: expected shape ({len(text)},), got {activation.shape}")
    rows, cols, row, col = [], [], 0, 0
    for c in text:                                    # a newline starts a new row; long lines wrap
        rows.append(row)
        cols.append(col)
        row, col = (row + 1, 0) if c == "\n" or col + 1 >= width else (row, col + 1)
    n_rows = row + 1
    grid = np.full((n_rows, width), np.nan)
    grid[rows, cols] = activation
    if ax is None:
        fig, ax = plt.subplots(figsize=(width * 0.15, n_rows * 0.3 + 0.9))
    else:
        fig = ax.figure
    im = ax.imshow(grid, cmap="coolwarm", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    for c, r, k in zip(text, rows, cols):
        label = "⏎" if c == "\n" else c
        if label.strip():
            ax.text(k, r, label, ha="center", va="center", fontsize=8, family="monospace")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.02, pad=0.01, label="unit activation $z_j^t$")
    return fig


def beyond_character(ids, values):
    """values minus their mean over the positions holding the same current character, along the
    time axis (-2 for states (M?, T, H), or a feature (T,)): what the current character cannot explain."""
    ids = np.asarray(ids, dtype=int)
    values = np.asarray(values, dtype=float)
    onehot = np.eye(ids.max() + 1)[ids]                      # (T, K)
    counts = onehot.sum(axis=0)
    axis_last = values.ndim == 1
    A = values[:, None] if axis_last else values              # (M?, T, n)
    means = np.swapaxes(onehot, 0, 1) @ A / np.maximum(counts, 1)[:, None]    # (M?, K, n)
    out = A - onehot @ means
    return out[:, 0] if axis_last else out

"""Plotting helpers shared by the notebooks."""
import warnings

import numpy as np


def median_band(values, low=25, high=75):
    """Median and percentile band over models.

    values : (n, M) array or masked array (masked = a diverged model, left out).
    Returns (median, low, high), each (n,); NaN where no model is left.
    """
    data = np.ma.filled(np.ma.asarray(values, dtype=float), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows where every model diverged give NaN
        return tuple(np.nanpercentile(data, q, axis=1) for q in (50, low, high))


def plot_band(ax, x, values, label=None, color=None, low=25, high=75):
    """Draw the median of ``values`` (n, M) over models as a line and the
    ``low``-``high`` percentile band around it; returns the line."""
    med, lo, hi = median_band(values, low, high)
    (line,) = ax.plot(x, med, label=label, color=color)
    ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.25, linewidth=0)
    return line


def smooth(values, window):
    """Moving average over axis 0 with a window of ``window`` steps (values (n, ...) -> (n - window + 1, ...))."""
    values = np.ma.filled(np.ma.asarray(values, dtype=float), np.nan)
    c = np.cumsum(np.concatenate([np.zeros((1,) + values.shape[1:]), values]), axis=0)
    return (c[window:] - c[:-window]) / window

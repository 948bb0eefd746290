"""Does a training result hang on the last bits of the arithmetic? (notebook 03, section 4)

Other CPUs, NumPy builds and BLAS kernels round differently in the last bits,
and at a setting that trains at the limit of what it tolerates that can change
which models solve. ``nudged`` is an in-process stand-in for another machine:
every initial weight moved by one ulp. ``nudge_study`` counts what the nudge
changes at one setup, over several data streams.
"""
from collections import namedtuple

import numpy as np

from rnnlib.course.ch03.adder import steps_to_solve, train_adders
from rnnlib.course.stats import censored_median
from rnnlib.rnn import SimpleRNN


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


NudgeStudy = namedtuple("NudgeStudy", "runs not_exact nudged moved median_steps")
NudgeStudy.__doc__ = """What ``nudge_study`` measured at one setting.

runs : number of models trained (streams x nudges x seeds).
not_exact : of these, how many are not exact on the
    test set at the last step (a diverged model, whose accuracy is masked,
    counts as not exact).
nudged : number of nudged runs (streams x seeds x nudges other than 0).
moved : of the nudged runs, how many solve at another step than the same
    seed on the same stream as drawn (never solving counts as step -1).
median_steps : median step of solving over all runs, a run that never solves
    counted as more than the setup's steps (``censored_median``; inf when
    more than half never solve).
"""


def nudge_study(setup, data_seeds, seeds=range(10), nudges=(0, +1, -1), eval_every=25):
    """Train ``setup`` (an AdderSetup) on every data seed, as drawn
    and with every initial weight moved one ulp up / down (``nudges``; the
    first must be 0), and count what the nudge changes. Returns a
    ``NudgeStudy``."""
    if nudges[0] != 0:
        raise ValueError("nudges must start with 0 (the run as drawn)")
    seeds = list(seeds)
    solve, not_exact = {}, 0
    for data_seed in data_seeds:
        for nudge in nudges:
            h = train_adders(setup, seeds, eval_every=eval_every, data_seed=data_seed,
                             model_class=nudged(SimpleRNN, nudge)).history
            solve[data_seed, nudge] = steps_to_solve(h)
            not_exact += int(np.sum(np.ma.filled(h.evals["accuracy"][-1], 0.0) != 1.0))
    moved = sum(int(np.sum(solve[d, n] != solve[d, 0])) for d in data_seeds for n in nudges[1:])
    every_run = np.concatenate(list(solve.values()))
    return NudgeStudy(runs=len(data_seeds) * len(nudges) * len(seeds), not_exact=not_exact,
                      nudged=len(data_seeds) * len(seeds) * (len(nudges) - 1), moved=moved,
                      median_steps=censored_median(every_run, setup.steps))

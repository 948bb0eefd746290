"""Multi-seed experiments on the binary adder: one vectorised run, many seeds."""
import numpy as np

from rnnlib.course.ch02.bugs import LECTURE_SIGMOID
from rnnlib.data import adder_batches, binary_addition
from rnnlib.losses import LOSSES
from rnnlib.optim import SGD
from rnnlib.rnn import SimpleRNN
from rnnlib.train import train

# The seed-001 lecture setup (E-qualification RNN exercise): see DESIGN.md.
SEED001 = dict(n_hidden=16, activation="sigmoid", output_activation="sigmoid", init="normal",
               init_std=1.0, bias=False, lr=0.1, loss="squared_error", batch_size=1, steps=10_000)

# The seed-003 setup: tanh hidden, sigmoid output, weights randn / sqrt(n_upper), biases.
SEED003 = dict(n_hidden=32, activation="tanh", output_activation="sigmoid", init="xavier",
               init_std=1.0, bias=True, lr=0.1, loss="squared_error", batch_size=1, steps=5_001)


def adder_test_set(n=512, n_bits=8, seed=12345):
    """A fixed set of n sums (X (n, n_bits, 2), Y (n, n_bits, 1)) for measuring accuracy."""
    return binary_addition(n, n_bits, np.random.default_rng(seed))


def run_adder(seeds=range(10), n_hidden=16, activation="sigmoid", output_activation="sigmoid",
              init="normal", init_std=1.0, bias=False, lr=0.1, clip=None, loss="squared_error",
              batch_size=1, steps=10_000, n_bits=8, truncate=None, eval_every=100,
              test_set=None, data_seed=2024, lecture_output_bug=False, progress=None,
              model_class=SimpleRNN, on_evaluate=None):
    """Train one adder per seed, all at once (``n_models=len(seeds)``).

    Model e starts from ``SimpleRNN(..., seed=seeds[e])``; each model draws
    its own fresh sums every step from one stream seeded by ``data_seed``.
    Accuracy is the share of exact sums on ``test_set`` (default:
    ``adder_test_set()``), measured every ``eval_every`` steps.
    ``lecture_output_bug=True`` trains with the lecture code's wrong output
    derivative (see ``rnnlib.course.ch02.bugs``; needs a sigmoid output).
    model_class : SimpleRNN, or a subclass (e.g. one with a deliberately buggy backward).
    on_evaluate : optional function model -> None, called at every evaluation
        before accuracy is measured (e.g. to record the sums the models predict).
    Returns (model, History); History.evals["accuracy"] is (n_evals, E).
    """
    seeds = [int(s) for s in seeds]
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: expected one of {', '.join(map(repr, LOSSES))}")
    X_test, Y_test = adder_test_set(n_bits=n_bits) if test_set is None else test_set
    model = model_class(2, n_hidden, 1, activation=activation, output_activation=output_activation,
                        init=init, init_std=init_std, seed=seeds, n_models=len(seeds), bias=bias)
    if lecture_output_bug:
        if output_activation != "sigmoid":
            raise ValueError(f"lecture_output_bug needs output_activation='sigmoid', got {output_activation!r}")
        model.g = LECTURE_SIGMOID

    def evaluate(m):
        if on_evaluate is not None:
            on_evaluate(m)
        return {"accuracy": chunked_accuracy(m, X_test, Y_test)}

    history = train(model, LOSSES[loss], adder_batches(batch_size, n_bits, data_seed, len(seeds)),
                    SGD(lr, clip), steps, truncate=truncate, evaluate=evaluate,
                    eval_every=eval_every, progress=progress)
    return model, history


def steps_to_solve(history, metric="accuracy", target=1.0):
    """Per model, the first evaluation step at which ``metric`` reached ``target``; -1 if never."""
    values = np.ma.filled(history.evals[metric], -np.inf)
    reached = values >= target
    first = np.argmax(reached, axis=0)
    return np.where(reached.any(axis=0), history.eval_steps[first], -1)


def summarize(history, metric="accuracy", target=1.0):
    """Solve rate, median steps to solve (over solving seeds) and median final metric."""
    solved = steps_to_solve(history, metric, target)
    ok = solved >= 0
    final = np.ma.filled(history.evals[metric][-1], 0.0)
    return {
        "seeds": solved.size,
        "solved": int(ok.sum()),
        "solve_rate": float(ok.mean()),
        "median_steps": float(np.median(solved[ok])) if ok.any() else float("nan"),
        "final_accuracy": float(np.median(final)),
        "diverged": int(np.sum(history.diverged_at >= 0)),
    }


# -------------------------------------------- accuracy of binary outputs
def _right_bits(Y, T):
    """True where a rounded output bit equals its target; NaN or inf outputs are wrong."""
    Y = np.asarray(Y, dtype=float)
    return ((Y > 0.5) == (np.asarray(T) > 0.5)) & np.isfinite(Y)


def _exact(Y, T):
    """(E?, B): True where every output bit of a sequence is right."""
    return _right_bits(Y, T).all(axis=(-2, -1))


def _per_model(out):
    """A float for one model, the (E,) array for several."""
    return float(out) if np.ndim(out) == 0 else out


def bit_accuracy(Y, T):
    """Share of output bits right after rounding at 0.5.

    Y : (E?, B, T, n_out) outputs; T : targets (B, T, n_out) or the shape of Y.
    Returns a float, or an (E,) array. NaN outputs count as wrong.
    """
    return _per_model(_right_bits(Y, T).mean(axis=(-3, -2, -1)))


def exact_accuracy(Y, T):
    """Share of sequences whose every output bit is right (for the adder: the sum is exact).

    Shapes as in ``bit_accuracy``; returns a float or an (E,) array.
    """
    return _per_model(_exact(Y, T).mean(axis=-1))


def chunked_accuracy(model, X, T, chunk=128):
    """``exact_accuracy(model.forward(X), T)``, computed ``chunk`` sequences per forward pass.

    model : a SimpleRNN (one model or n_models); X : (B, T, n_in) shared by
    every model; T : (B, T, n_out). Returns a float or an (E,) array.
    A forward pass keeps every hidden state for ``backward``: at hidden 160
    and 10 models, 512 sums at once take about 50 MB per array, above glibc's
    32 MB threshold for reusing freed memory, so each evaluation would page
    its arrays in afresh. 128 sums per pass stay below it; the hidden-160
    evaluation ran about 1.3x faster (benchmarks/bench.py measures it).
    """
    n = X.shape[0]
    right = sum(_exact(model.forward(X[i:i + chunk]), T[i:i + chunk]).sum(axis=-1) for i in range(0, n, chunk))
    return _per_model(right / n)

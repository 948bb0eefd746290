"""The binary adder (notebooks 03 and 04): the named setups, one way to train them, how to score them.

- ``AdderSetup``: everything that defines one way of training the adder (network,
  loss, optimiser, batch, steps). The named ones: ``LECTURE`` (the
  E-qualification lecture notes' code), ``TUTORIAL`` (the adder tutorial's) and
  ``RECIPE`` (the course's better recipe). ``LECTURE.but(lr=1.0)`` is a variant.
- ``train_adders(setups, seeds)``: one adder per (setup, seed), all trained as
  one vectorised ``SimpleRNN(n_models=len(setups) * len(seeds))``.
- ``steps_to_solve``, ``summarize``; ``exact_accuracy`` and friends.
- ``FirstStepOutputGrad``: the adder tutorial's output-gradient bug; ``log_lines``:
  its "Success/Failure: a + b = c" log.
- A truly held-out test: ``hold_out`` marks operand pairs, ``held_out_batches`` (used by
  ``train_adders(..., exclude=mask)``) never draws them, ``seen_pairs`` regenerates a
  training stream and marks the pairs it contains, ``pairs_of`` lists a mask's pairs.
- ``bit_accuracy_by_position`` and the evaluate hook ``per_bit_evaluate``: accuracy per output bit.
- ``hand_wired_adder``: a 3-unit SimpleRNN that adds by construction (unit 2 is the carry).
"""
import dataclasses
from dataclasses import dataclass

import numpy as np

from rnnlib.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Activation
from rnnlib.checks import generator, positive_int
from rnnlib.course.ch02.bugs import LECTURE_SIGMOID
from rnnlib.data import adder_batches, adder_test_set, addition_pairs, from_bits
from rnnlib.init import check_init
from rnnlib.losses import LOSSES
from rnnlib.optim import SGD
from rnnlib.rnn import SimpleRNN
from rnnlib.train import History, train


# ------------------------------------------------------------------------- setups
@dataclass(frozen=True)
class AdderSetup:
    """One way to train the adder: 2 inputs (a bit of each operand), 1 output (the sum bit).

    n_hidden, activation (hidden f), output_activation (g), init, init_std, bias :
        the network, as for ``SimpleRNN``.
    lr, clip : plain SGD, optionally with gradient-norm clipping.
    loss : "squared_error" or "binary_cross_entropy".
    batch_size, steps : fresh random sums every step.
    lecture_output_bug : train with the lecture code's wrong output derivative
        (``rnnlib.course.ch02.bugs.LECTURE_SIGMOID``; needs a sigmoid output).
    label : a name for tables and legends; by default ``describe()``.
    """
    n_hidden: int = 16
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    init: str = "normal"
    init_std: float = 1.0
    bias: bool = False
    lr: float = 0.1
    clip: float = None
    loss: str = "squared_error"
    batch_size: int = 1
    steps: int = 10_000
    lecture_output_bug: bool = False
    label: str = None

    def __post_init__(self):
        positive_int("n_hidden", self.n_hidden)
        positive_int("batch_size", self.batch_size)
        positive_int("steps", self.steps)
        for name, value, choices in [("activation", self.activation, HIDDEN_ACTIVATIONS),
                                     ("output_activation", self.output_activation, OUTPUT_ACTIVATIONS),
                                     ("loss", self.loss, tuple(LOSSES))]:
            if value not in choices:
                raise ValueError(f"unknown {name} {value!r}: expected one of {', '.join(map(repr, choices))}")
        check_init(self.init)
        if not (np.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr must be a positive number, got {self.lr!r}")
        if self.clip is not None and not (np.isfinite(self.clip) and self.clip > 0):
            raise ValueError(f"clip must be None or a positive number, got {self.clip!r}")
        if self.lecture_output_bug and self.output_activation != "sigmoid":
            raise ValueError(f"lecture_output_bug needs output_activation='sigmoid', got {self.output_activation!r}")
        if self.label is None:
            object.__setattr__(self, "label", self.describe())

    def but(self, **changes):
        """A copy with ``changes`` (its label describes the copy unless ``label`` is given)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"unknown AdderSetup fields {sorted(unknown)}: expected some of "
                             f"{[f.name for f in dataclasses.fields(self)]}")
        return dataclasses.replace(self, **dict({"label": None}, **changes))

    def describe(self):
        """A short label such as 'tanh, normal 1, lr 0.1' (+ ', clip 1', ', lecture bug')."""
        text = f"{self.activation}, {self.init} {self.init_std:g}, lr {self.lr:g}"
        if self.clip is not None:
            text += f", clip {self.clip:g}"
        if self.lecture_output_bug:
            text += ", lecture bug"
        return text


# The E-qualification lecture notes' code: 16 sigmoid units, N(0, 1) weights, no biases,
# squared error, one sum per step, lr 0.1, 10,000 steps.
LECTURE = AdderSetup()

# The adder tutorial's: 32 tanh units, weights randn / sqrt(fan_in), biases, 5,001 steps.
TUTORIAL = AdderSetup(n_hidden=32, activation="tanh", init="xavier", bias=True, steps=5_001)

# The course's better recipe: minibatches of 8, binary cross-entropy, tanh, Xavier-form
# init with biases, lr 0.2. At 0.2 every model of every data stream tried solves the adder
# and stays exact, and moving every initial weight by one ulp changes no model's solve step;
# 0.3 is as fast but some models fail, and which ones changes with the last bits of the
# arithmetic (notebook 03, section 4).
RECIPE = AdderSetup(activation="tanh", init="xavier", bias=True, lr=0.2, loss="binary_cross_entropy",
                    batch_size=8, steps=400)

SHARED = ("n_hidden", "output_activation", "bias", "loss", "batch_size", "steps")
"""Fields that every setup of one ``train_adders`` run shares (they fix the model's shape and the data)."""


# ---------------------------------------------------------------------- training
def per_model_activation(choices, name):
    """An Activation that applies ``choices[e]`` (an Activation) to model e's slice of the leading axis.

    Each distinct function runs once, on the contiguous blocks of models that use it.
    """
    kinds = list(dict.fromkeys(choices))
    blocks = {a: _blocks(np.array([c is a for c in choices])) for a in kinds}

    def apply(part, *arrays):
        out = np.empty_like(arrays[0])
        for a in kinds:
            for start, stop in blocks[a]:
                out[start:stop] = part(a)(*(x[start:stop] for x in arrays))
        return out

    return Activation(name, lambda u: apply(lambda a: a.forward, u),
                      lambda u, z: apply(lambda a: a.grad, u, z))


def _blocks(mask):
    """The (start, stop) index ranges where a boolean vector is True."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return list(zip(edges[::2], edges[1::2]))


class AdderRun:
    """What ``train_adders`` trained.

    setups, seeds : as given; model e = setups[e // n] with seed seeds[e % n] (n = len(seeds)).
    model : the SimpleRNN holding all M = len(setups) * n models.
    history : the History of all M models.
    parts : one History per setup, each with a model axis of n.
    evals : {name: (n_evals, len(setups), n) masked array}: every evaluated quantity by setup and seed.
    watched : (n_evals, M, k) int array of the sums predicted for the watched pairs, or None.
    """

    def __init__(self, setups, seeds, model, history, watched):
        self.setups, self.seeds, self.model, self.history, self.watched = setups, seeds, model, history, watched
        S, n = len(setups), len(seeds)
        self.parts = []
        for i in range(S):
            cut = slice(i * n, (i + 1) * n)
            self.parts.append(History(history.loss[:, cut], history.eval_steps,
                                      {k: v[:, cut] for k, v in history.evals.items()},
                                      history.diverged_at[cut], history.seconds))
        self.evals = {k: v.reshape(v.shape[0], S, n) for k, v in history.evals.items()}

    def labels(self):
        return [s.label for s in self.setups]

    def index(self, label):
        return self.labels().index(label)

    def part(self, label):
        """The History of the setup with this label."""
        return self.parts[self.index(label)]


def train_adders(setups, seeds=range(10), n_bits=8, eval_every=100, test_set=None, data_seed=2024,
                 watch=None, evaluate=None, model_class=SimpleRNN, progress=None, truncate=None, exclude=None):
    """Train one adder per (setup, seed), all at once; returns an ``AdderRun``.

    setups : one AdderSetup, or a list of them with unique labels that agree on ``SHARED``
        (they may differ in activation, init, init_std, lr, clip and lecture_output_bug).
    seeds : model (setup i, seed s) starts from ``SimpleRNN(..., seed=s)``.
    Every setup's model s draws the same fresh sums every step, from one stream seeded
    by ``data_seed``: setups are compared on the same data, and a setup trained alone
    gives the same numbers as within a list.
    test_set : (X, Y) for the accuracy, the share of exact sums (default ``adder_test_set()``),
        measured before training and every ``eval_every`` steps.
    watch : optional (a, b), two int arrays of k operands: the sums every model predicts
        for them are recorded at every evaluation (``AdderRun.watched``).
    evaluate : optional function model -> {name: (M,) array}, more quantities to record
        at every evaluation (notebook 04's diagnostics).
    model_class : SimpleRNN, or a subclass (e.g. ``FirstStepOutputGrad``).
    truncate : None (full BPTT) or k >= 1, passed to ``model.backward`` (truncated BPTT).
    exclude : None, or a boolean (2**(n_bits-1), 2**(n_bits-1)) array: operand pairs
        (a, b) with ``exclude[a, b]`` are never trained on (``held_out_batches``), so
        they can serve as a truly held-out test. None keeps ``adder_batches``' stream.
    """
    setups = [setups] if isinstance(setups, AdderSetup) else list(setups)
    seeds = [int(s) for s in seeds]
    _check_shared(setups)
    first, S, n = setups[0], len(setups), len(seeds)

    parts = [model_class(2, s.n_hidden, 1, activation=s.activation, output_activation=s.output_activation,
                         init=s.init, init_std=s.init_std, seed=seeds, n_models=n, bias=s.bias) for s in setups]
    if S == 1:
        model = parts[0]
    else:
        model = model_class(2, first.n_hidden, 1, output_activation=first.output_activation,
                            seed=seeds * S, n_models=S * n, bias=first.bias)
        for k, p in model.params.items():
            p[...] = np.concatenate([part.params[k] for part in parts])
    hidden = [ACTIVATIONS[s.activation] for s in setups]
    output = [LECTURE_SIGMOID if s.lecture_output_bug else ACTIVATIONS[s.output_activation] for s in setups]
    if len(set(map(id, hidden))) > 1:
        model.f = per_model_activation([h for h in hidden for _ in seeds],
                                       "per model: " + "/".join(s.activation for s in setups))
    else:
        model.f = hidden[0]
    if len(set(map(id, output))) > 1:
        model.g = per_model_activation([g for g in output for _ in seeds], "sigmoid, the lecture bug for some models")
    else:
        model.g = output[0]

    lrs, clips = [s.lr for s in setups], [s.clip for s in setups]
    same = len(set(lrs)) == 1 and len(set(clips)) == 1
    optimizer = SGD(lrs[0], clips[0]) if same else SGD(
        np.repeat(lrs, n), None if set(clips) == {None} else np.repeat([np.inf if c is None else c for c in clips], n))

    X_test, Y_test = adder_test_set(n_bits=n_bits) if test_set is None else test_set
    X_watch = None if watch is None else addition_pairs(watch[0], watch[1], n_bits)[0]
    watched = []

    def evaluate_all(m):
        if X_watch is not None:
            watched.append(from_bits(m.forward(X_watch)[..., 0]))
        row = {"accuracy": chunked_accuracy(m, X_test, Y_test)}
        if evaluate is not None:
            row.update(evaluate(m))
        return row

    def batches():
        stream = (adder_batches(first.batch_size, n_bits, data_seed, n) if exclude is None
                  else held_out_batches(first.batch_size, exclude, n_bits, data_seed, n))
        for X, Y in stream:
            yield (X, Y) if S == 1 else (np.concatenate([X] * S), np.concatenate([Y] * S))

    history = train(model, LOSSES[first.loss], batches(), optimizer, first.steps, truncate=truncate,
                    evaluate=evaluate_all, eval_every=eval_every, progress=progress)
    return AdderRun(setups, seeds, model, history, np.array(watched) if watch is not None else None)


def held_out_batches(batch_size, exclude, n_bits=8, rng=0, n_models=None):
    """Like ``rnnlib.data.adder_batches``, but no sum (a, b) with ``exclude[a, b]`` is ever drawn.

    exclude : boolean array (2**(n_bits-1), 2**(n_bits-1)), not all True. Each
    excluded draw is replaced by a fresh draw (repeated until allowed), so the
    operand pairs are uniform over the pairs that are not excluded.
    Yields (X, Y) of the shapes ``adder_batches`` yields.
    """
    positive_int("batch_size", batch_size)
    positive_int("n_bits", n_bits)
    if n_models is not None:
        positive_int("n_models", n_models)
    top = 2 ** (n_bits - 1)
    exclude = np.asarray(exclude)
    if exclude.dtype != bool or exclude.shape != (top, top):
        raise ValueError(f"exclude must be a boolean array of shape ({top}, {top}), got {exclude.dtype} {exclude.shape}")
    if exclude.all():
        raise ValueError("exclude leaves no operand pair to train on")
    rng = generator(rng)
    shape = (batch_size,) if n_models is None else (n_models, batch_size)
    n = batch_size * (n_models or 1)
    while True:
        a, b = rng.integers(0, top, size=(2, n))
        bad = exclude[a, b]
        while bad.any():
            a[bad], b[bad] = rng.integers(0, top, size=(2, int(bad.sum())))
            bad = exclude[a, b]
        X, Y = addition_pairs(a, b, n_bits)
        yield X.reshape(shape + (n_bits, 2)), Y.reshape(shape + (n_bits, 1))


def hold_out(fraction=0.125, n_bits=8, seed=0):
    """A boolean (2**(n_bits-1), 2**(n_bits-1)) mask marking a random ``fraction`` of all operand pairs."""
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction!r}")
    top = 2 ** (n_bits - 1)
    mask = np.zeros(top * top, dtype=bool)
    mask[np.random.default_rng(seed).choice(top * top, size=int(round(fraction * top * top)), replace=False)] = True
    return mask.reshape(top, top)


def seen_pairs(setup, seeds=range(10), n_bits=8, data_seed=2024, exclude=None):
    """Which operand pairs ``train_adders(setup, seeds, ...)`` trains on: a boolean
    (len(seeds), 2**(n_bits-1), 2**(n_bits-1)) array, True where model s drew (a, b) at least once.

    Regenerates the training stream (the same sums, no training): ``adder_batches``, or
    ``held_out_batches`` when ``exclude`` is given, as ``train_adders`` does."""
    n, top = len(list(seeds)), 2 ** (n_bits - 1)
    stream = (adder_batches(setup.batch_size, n_bits, data_seed, n) if exclude is None
              else held_out_batches(setup.batch_size, exclude, n_bits, data_seed, n))
    X = np.stack([X for _, (X, _) in zip(range(setup.steps), stream)], axis=1)   # (n, steps, batch, T, 2)
    a, b = (np.rint(X[..., k]).astype(int) @ (2 ** np.arange(n_bits)) for k in (0, 1))   # (n, steps, batch)
    seen = np.zeros((n, top, top), dtype=bool)
    seen[np.arange(n)[:, None, None], a, b] = True
    return seen


def pairs_of(exclude):
    """(a, b): the operand pairs marked in a boolean mask, as two int arrays."""
    return tuple(np.nonzero(np.asarray(exclude)))


def bit_accuracy_by_position(model, X, D, chunk=128):
    """Per output bit position t (bit t, worth 2**t), the share of sums whose bit t is right.

    Returns (M?, T): one row per model (or (T,) for one model)."""
    n = X.shape[0]
    right = sum(_right_bits(model.forward(X[i:i + chunk]), D[i:i + chunk]).sum(axis=-3)[..., 0]
                for i in range(0, n, chunk))
    return right / n


def per_bit_evaluate(X, D):
    """An ``evaluate`` hook for ``train_adders``: {"bit 0": (M,), ..., "bit T-1": (M,)} accuracies."""
    def evaluate(model):
        acc = np.atleast_2d(bit_accuracy_by_position(model, X, D))
        return {f"bit {t}": acc[:, t] for t in range(acc.shape[1])}
    return evaluate


def hand_wired_adder(sharpness=20.0):
    """A 3-unit SimpleRNN that adds by construction (sigmoid hidden and output units).

    Unit k (k = 1, 2, 3) is on when a_t + b_t + kappa >= k, where the carry in
    kappa is unit 2 of the step before (on when the column sum is 2 or more);
    the sum bit is unit 1 - unit 2 + unit 3 (column sum 1 or 3). Every weight is
    a multiple of ``sharpness``, which makes each sigmoid close to a step.
    """
    w = float(sharpness)
    model = SimpleRNN(2, 3, 1, activation="sigmoid", output_activation="sigmoid", bias=True, seed=0)
    p = model.params
    p["W_in"][...] = w                                   # every unit sees a_t + b_t
    p["W"][...] = 0.0
    p["W"][1, :] = w                                     # ... plus the carry kappa = unit 2 of the step before
    p["b"][...] = -w * (np.arange(1, 4) - 0.5)           # thresholds 0.5, 1.5, 2.5
    p["W_out"][...] = w * np.array([[1.0], [-1.0], [1.0]])
    p["c"][...] = -0.5 * w
    return model


def _check_shared(setups):
    if not setups or not all(isinstance(s, AdderSetup) for s in setups):
        raise ValueError(f"setups must be an AdderSetup or a non-empty list of them, got {setups!r}")
    labels = [s.label for s in setups]
    if len(set(labels)) != len(labels):
        raise ValueError(f"setup labels must be unique, got {labels}")
    for name in SHARED:
        values = {getattr(s, name) for s in setups}
        if len(values) > 1:
            raise ValueError(f"the setups of one run must share {name}, got {sorted(values, key=str)}")


# ----------------------------------------------------------------------- scoring
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


def _right_bits(Y, D):
    """True where a rounded output bit equals its target; NaN or inf outputs are wrong."""
    Y = np.asarray(Y, dtype=float)
    return ((Y > 0.5) == (np.asarray(D) > 0.5)) & np.isfinite(Y)


def _exact(Y, D):
    """(M?, B): True where every output bit of a sequence is right."""
    return _right_bits(Y, D).all(axis=(-2, -1))


def _float_or_array(out):
    """A float for one model, the (M,) array for several."""
    return float(out) if np.ndim(out) == 0 else out


def bit_accuracy(Y, D):
    """Share of output bits right after rounding at 0.5.

    Y : (M?, B, T, n_out) outputs; D : targets (B, T, n_out) or the shape of Y.
    Returns a float, or an (M,) array. NaN outputs count as wrong.
    """
    return _float_or_array(_right_bits(Y, D).mean(axis=(-3, -2, -1)))


def exact_accuracy(Y, D):
    """Share of sequences whose every output bit is right (for the adder: the sum is exact).

    Shapes as in ``bit_accuracy``; returns a float or an (M,) array.
    """
    return _float_or_array(_exact(Y, D).mean(axis=-1))


def chunked_accuracy(model, X, D, chunk=128):
    """``exact_accuracy(model.forward(X), D)``, computed ``chunk`` sequences per forward pass.

    model : a SimpleRNN (one model or n_models); X : (B, T, n_in) shared by
    every model; D : (B, T, n_out) targets. Returns a float or an (M,) array.
    A forward pass keeps every hidden state for ``backward``: at hidden 160
    and 10 models, 512 sums at once take about 50 MB per array, above glibc's
    32 MB threshold for reusing freed memory, so each evaluation would page
    its arrays in afresh. 128 sums per pass stay below it; the hidden-160
    evaluation ran about 1.3x faster (benchmarks/bench.py measures it).
    """
    n = X.shape[0]
    right = sum(_exact(model.forward(X[i:i + chunk]), D[i:i + chunk]).sum(axis=-1) for i in range(0, n, chunk))
    return _float_or_array(right / n)


# ------------------------------------------------------------ the adder tutorial
class FirstStepOutputGrad(SimpleRNN):
    """A SimpleRNN with the adder tutorial's output-layer bug.

    The tutorial's ``OutputLayer.backward`` *assigns* ``grad_w = x.T @ delta``
    (and ``grad_b``) at every step of the reversed time loop instead of adding
    to it. The loop ends at t = 1, so W_out and c are updated with the first
    step's output gradient only: dE/dW_out = [z^1]^T delta_out^1 and
    dE/dc = delta_out^1 (summed over the batch). Everything else, including
    the error sent back into the hidden layer at every step, is right.
    """

    def backward(self, dY, truncate=None):
        dX = super().backward(dY, truncate)
        _, _, Z, V, Y = self.last_forward()                # batch-first: V, Y (M?, B, T, n); Z (M?, B, T+1, H)
        dV1 = np.asarray(dY, dtype=float)[..., 0, :] * self.g.grad(V[..., 0, :], Y[..., 0, :])
        # Z has z^0 at position 0, so Z[..., 1, :] is z^1 (V and Y start at step 1: position 0 is step 1)
        self.grads["W_out"][...] = Z[..., 1, :].swapaxes(-1, -2) @ dV1   # [z^1]^T delta_out^1 only
        self.grads["c"][...] = dV1.sum(axis=-2) if self.bias else 0.0
        return dX


def log_lines(history, watched, a, b, model=0, every=500):
    """The adder tutorial's log for one model: at every ``every`` steps, one line per
    watched pair, "step   500  Success : 13 + 33 = 46" (or Failure with the
    wrong sum). ``watched`` as in ``AdderRun.watched``."""
    lines = []
    for i, step in enumerate(history.eval_steps):
        if step % every:
            continue
        for k, (x, y) in enumerate(zip(a, b)):
            got = int(watched[i, model, k])
            word = "Success" if got == x + y else "Failure"
            lines.append(f"step {int(step):5d}  {word} : {int(x)} + {int(y)} = {got}")
    return lines

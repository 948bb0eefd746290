"""Speed of rnnlib: one training step against the NumPy limit and PyTorch, plus end-to-end runs.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench.py [--quick] [--no-torch]

Writes benchmarks/results.md (tables), results.png (plot) and results.json.

Micro benchmark: one training step (forward, squared error, full BPTT, SGD)
on 8-bit binary-adder batches, tanh hidden layer, sigmoid output, biases, for
batch 1/32/256 x hidden 16/160 x n_models 1/10, by
  rnnlib   SimpleRNN + squared_error + SGD (the public API, as rnnlib.train calls it),
  minimal  benchmarks/minimal.py: the same math written by hand, the NumPy limit,
  torch    torch.nn.RNN + Linear, autograd, SGD, float64, one thread (if installed).
All (case, implementation) blocks are interleaved in every repetition, so a
busy neighbour slows all of them alike; we report medians over repetitions,
the interquartile spread, and ratios taken within each repetition.

End to end: the lecture's setup at hidden 160 (10 seeds x 10,000 steps,
batch 1, with the accuracy evaluations), its matrix FLOP rate against the
matrix-multiply peak measured in the same process.

What a learner waits for (learner_waits.py): the lecture's ten-seed run,
notebook 04's comparison set, each explorer's default retrain and figure;
each under the old core (before it was rewritten to be read, extracted from
git) and the new, interleaved run by run, CPU seconds, ratios per repetition.
"""
import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import minimal  # noqa: E402
from rnnlib import SGD, SimpleRNN  # noqa: E402
from rnnlib.activations import sigmoid  # noqa: E402
from rnnlib.data import binary_addition  # noqa: E402
from rnnlib.course.ch03.adder import LECTURE, train_adders  # noqa: E402
from rnnlib.losses import squared_error  # noqa: E402

try:
    import torch_step
except ImportError:  # torch is optional
    torch_step = None

N_BITS, LR = 8, 0.1


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    text = f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
    return text + f"; Python {platform.python_version()}, NumPy {np.__version__}"


def matmul_peak(n=512, reps=7):
    """Best achieved float64 GFLOP/s of an n x n matrix product (one BLAS thread)."""
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(n, n)), rng.normal(size=(n, n))
    C = np.empty((n, n))
    best = np.inf
    for _ in range(reps):
        t = time.perf_counter()
        np.matmul(A, B, out=C)
        best = min(best, time.perf_counter() - t)
    return 2 * n ** 3 / best / 1e9


def adder_batch(B, E, seed=0):
    X, D = binary_addition(B * (E or 1), N_BITS, np.random.default_rng(seed))
    if E:
        X, D = X.reshape(E, B, N_BITS, 2), D.reshape(E, B, N_BITS, 1)
    return X, D


def make_steps(B, H, E, use_torch):
    """{implementation: a function running one training step} for one case."""
    X, D = adder_batch(B, E)
    model, opt = SimpleRNN(2, H, 1, activation="tanh", output_activation="sigmoid", n_models=E), SGD(LR)

    def rnnlib_step():   # what rnnlib.train does each step
        loss, dY = squared_error(model.forward(X), D)
        model.backward(dY)
        opt.step(model.params, model.grads)

    P = minimal.init(2, H, 1, E)
    steps = {"rnnlib": rnnlib_step, "minimal": lambda: minimal.train_step(P, X, D, LR)}
    if use_torch:
        tm = torch_step.TorchAdder(2, H, 1, E, lr=LR)
        batches = tm.data(X, D)
        steps["torch"] = lambda: tm.step(batches)
    return steps


def time_block(fn, n):
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) / n


def micro(cases, use_torch, reps, block):
    """Interleaved timings: {case: {impl: array of per-step seconds, one per repetition}}."""
    runners, inner = {}, {}
    for case in cases:
        runners[case] = make_steps(*case, use_torch)
        for name, fn in runners[case].items():
            fn()  # warm up
            once = time_block(fn, 1)
            inner[case, name] = max(1, int(block / max(once, 1e-7)))
    times = {case: {name: [] for name in runners[case]} for case in cases}
    splits = 4  # each repetition alternates the implementations in 4 short sub-blocks (A B C A B C ...)
    for r in range(reps):
        for case in cases:
            names = list(runners[case])
            if r % 2:
                names.reverse()  # alternate the order inside a case
            total = dict.fromkeys(names, 0.0)
            for _ in range(splits):
                for name in names:
                    n = max(1, inner[case, name] // splits)
                    total[name] += time_block(runners[case][name], n) / splits
            for name in names:
                times[case][name].append(total[name])
        print(f"  repetition {r + 1}/{reps} done", flush=True)
    return {c: {k: np.array(v) for k, v in d.items()} for c, d in times.items()}


ELEMENTWISE_SIZES = {"one training step (10 x 1 x 160)": (10, 1, 160),
                     "one evaluation step (10 x 512 x 160)": (10, 512, 160)}


def elementwise(reps):
    """ns per element of the hidden-layer functions, interleaved: {size label: {function: [ns, ...]}}.

    Backs rnnlib's choice of an exp-based sigmoid (rnnlib/activations.py)."""
    rng = np.random.default_rng(0)
    out = {}
    for label, shape in ELEMENTWISE_SIZES.items():
        u = rng.normal(0, 3, shape)
        z = np.empty_like(u)
        fns = {"np.tanh": lambda: np.tanh(u, z),
               "np.exp": lambda: np.exp(u, z),
               "sigmoid as 0.5 (1 + tanh(u / 2))": lambda: 0.5 * (1.0 + np.tanh(0.5 * u)),
               "rnnlib sigmoid (exp)": lambda: sigmoid(u)}
        n = max(1, int(2e6 // u.size))
        res = {k: [] for k in fns}
        for _ in range(reps):
            for k, f in fns.items():
                res[k].append(time_block(f, n) / u.size * 1e9)
        out[label] = res
    return out


def step_flops(B, H, E, n_in=2, n_out=1, T=N_BITS):
    """Matrix-product FLOPs of one training step (forward + BPTT, with dX), all models."""
    return (E or 1) * T * B * 6 * (n_in * H + H * H + H * n_out)


def forward_flops(B, H, E, n_in=2, n_out=1, T=N_BITS):
    return (E or 1) * T * B * 2 * (n_in * H + H * H + H * n_out)


def end_to_end(steps, peak_before):
    """The lecture's setup at hidden 160, seeds 0-9 as one run: seconds and the matrix FLOP rate."""
    t = time.perf_counter()
    hist = train_adders(LECTURE.but(n_hidden=160, steps=steps), range(10)).history
    sec = time.perf_counter() - t
    n_evals = len(hist.eval_steps)
    flops = steps * step_flops(1, 160, 10) + n_evals * forward_flops(512, 160, 10)
    out = {"h160": dict(seconds=sec, steps=steps, gflops=flops / sec / 1e9, n_evals=n_evals)}
    print(f"  hidden-160 study: {sec:.1f} s, {flops / sec / 1e9:.2f} GFLOP/s", flush=True)
    out["peak_after"] = matmul_peak()
    out["peak"] = max(peak_before, out["peak_after"])
    return out


# ------------------------------------------------------------------------------ what a learner waits for
OLD_CORE = "c095cb3"   # the last commit before the core was rewritten to be read (issue 13)
WAITS = [  # (label, learner_waits.py arguments, repetitions): what a learner starts, old core against new
    ("notebook 03: the lecture's setup, seeds 0-9, 10,000 steps", ["lecture", "10000"], 3),
    ("notebook 04: the comparison set, 11 settings x 10 seeds, 2,000 of its 10,000 steps", ["comparison", "2000"], 3),
    ("explorer 01 default (no training: forward and draw)", ["explorer01"], 5),
    ("explorer 02 default (gradient flow: forward, backward, draw)", ["explorer02"], 5),
    ("explorer 03 default retrain (the recipe, 5 seeds, 300 steps) and draw", ["explorer03"], 5),
    ("explorer 04 retrain at its new default (8 seeds, 1,000 steps) and draw", ["explorer04", "1000"], 5),
    ("explorer 04 retrain at its old default (8 seeds, 1,500 steps) and draw", ["explorer04", "1500"], 5),
    ("explorer 05 default retrain (4 models, 40 epochs) and draw", ["explorer05"], 5),
]


def old_core_tree():
    """This repository's rnnlib as of OLD_CORE, extracted from git into build/bench-old-core; None without git history."""
    import subprocess
    root, dest = HERE.parent, HERE.parent / "build" / "bench-old-core"
    if (dest / "rnnlib").is_dir():
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(root), "archive", OLD_CORE, "rnnlib"], capture_output=True)
    if archive.returncode != 0:
        return None
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def learner_waits(quick):
    """CPU seconds of every WAITS workload under the old core and the new, interleaved run by run.

    Each run is a fresh process (learner_waits.py) that times only the work. Returns
    {label: {"old": [...], "new": [...]}} (no "old" without git history)."""
    import subprocess
    old = old_core_tree()
    trees = {"new": HERE.parent} if old is None else {"old": old, "new": HERE.parent}
    if old is None:
        print(f"  (no git history: the old core {OLD_CORE} is not measured)", flush=True)
    out = {}
    for label, argv, reps in WAITS:
        if quick:
            argv = [argv[0], str(int(argv[1]) // 10)] if argv[0] in ("lecture", "comparison") else argv
            reps = 1
        out[label] = {name: [] for name in trees}
        for _ in range(reps):
            for name, tree in trees.items():
                res = subprocess.run([sys.executable, str(HERE / "learner_waits.py"), str(tree), *argv],
                                     capture_output=True, text=True, check=True)
                out[label][name].append(json.loads(res.stdout.strip().splitlines()[-1])["cpu"])
        d = out[label]
        print(f"  {label}: new {np.median(d['new']):.2f} s" + (
            f", old {np.median(d['old']):.2f} s, new/old {np.median(np.divide(d['new'], d['old'])):.2f}" if "old" in d else ""),
            flush=True)
    return out


def q(a, p):
    return float(np.percentile(a, p))


def fmt_ms(a):
    return f"{np.median(a) * 1e3:.3g} ({q(a, 25) * 1e3:.3g}-{q(a, 75) * 1e3:.3g})"


def case_name(c):
    B, H, E = c
    return f"B={B} H={H} E={E or 1}"


def report(times, e2e, waits, peak, args, wall, elem):
    impls = ["rnnlib", "minimal"] + (["torch"] if any("torch" in d for d in times.values()) else [])
    lines = [f"# rnnlib speed ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
             f"Machine: {machine()}; one BLAS thread (OPENBLAS_NUM_THREADS=1)"
             + (f"; PyTorch {torch_step.torch.__version__} (1 thread)" if "torch" in impls else "; PyTorch not installed")
             + ".", "",
             f"One training step (forward, squared error, full BPTT, SGD) on 8-bit adder batches, tanh hidden, "
             f"sigmoid output. Milliseconds per step: median (interquartile range) of {args.reps} interleaved "
             f"repetitions. Ratios are medians of per-repetition ratios (< 1.1 and > 1 are the targets).", "",
             "| case | " + " | ".join(f"{i} ms" for i in impls) + " | rnnlib / minimal"
             + (" | torch / rnnlib" if "torch" in impls else "") + " |",
             "|---" * (len(impls) + 2 + ("torch" in impls)) + "|"]
    summary = {"cases": {}}
    for c, d in times.items():
        r_min = float(np.median(d["rnnlib"] / d["minimal"]))
        row = f"| {case_name(c)} | " + " | ".join(fmt_ms(d[i]) for i in impls) + f" | {r_min:.2f}"
        entry = {i: float(np.median(d[i])) for i in impls}
        entry["rnnlib/minimal"] = r_min
        if "torch" in impls:
            r_t = float(np.median(d["torch"] / d["rnnlib"]))
            row += f" | {r_t:.2f}"
            entry["torch/rnnlib"] = r_t
        lines.append(row + " |")
        summary["cases"][case_name(c)] = entry
    lines += ["", "Ten seeds at once (n_models=10) against one model, same batch and hidden size "
              "(target: at most 2x):", "", "| batch | hidden | rnnlib E=10 / E=1 | minimal E=10 / E=1 |", "|---|---|---|---|"]
    seeds_ratio = {}
    for (B, H, E), d in times.items():
        if E and (B, H, None) in times:
            one = times[B, H, None]
            ra = float(np.median(d["rnnlib"] / one["rnnlib"]))
            rm = float(np.median(d["minimal"] / one["minimal"]))
            seeds_ratio[f"B={B} H={H}"] = ra
            lines.append(f"| {B} | {H} | {ra:.2f} | {rm:.2f} |")
    summary["seeds_ratio"] = seeds_ratio
    # the training-step FLOP rate of the hidden-160, 10-seed, batch-1 case
    k = (1, 160, 10)
    step_rate = step_flops(*k) / np.median(times[k]["rnnlib"]) / 1e9 if k in times else float("nan")
    best_rate = step_flops(*k) / np.min(times[k]["rnnlib"]) / 1e9 if k in times else float("nan")
    lines += ["", f"Matrix-multiply peak measured in this run (512 x 512 float64 product, best of 7): "
              f"**{peak:.1f} GFLOP/s**.", ""]
    summary.update(peak=peak, step_rate_h160=step_rate, best_rate_h160=best_rate)
    if e2e:
        h = e2e["h160"]
        lines += ["End to end (seed-001 setup: sigmoid hidden, no biases, batch 1, lr 0.1, "
                  f"seeds 0-9 as one n_models=10 run, {h['steps']:,} steps, accuracy on 512 sums every 100 steps):", "",
                  "| run | seconds | matrix GFLOP/s | share of peak |", "|---|---|---|---|",
                  f"| hidden-160 study (train_adders) | {h['seconds']:.1f} | {h['gflops']:.2f} | {h['gflops'] / peak:.1%} |",
                  f"| training step alone, B=1 H=160 E=10 (micro) | {np.median(times[k]['rnnlib']) * h['steps']:.1f} "
                  f"| {step_rate:.2f} | {step_rate / peak:.1%} |" if k in times else "",
                  f"| the same, fastest repetition (as the peak is a best-of-7) | {np.min(times[k]['rnnlib']) * h['steps']:.1f} "
                  f"| {best_rate:.2f} | {best_rate / peak:.1%} |" if k in times else ""]
        summary["e2e"] = e2e
    if waits:
        has_old = all("old" in d for d in waits.values())
        lines += ["", "What a learner waits for, CPU seconds (median of the runs; each run a fresh process "
                  f"timing only the work){', old core (' + OLD_CORE + ') against new, interleaved run by run' if has_old else ''}:", "",
                  "| run | new s | " + ("old s | new / old (median of per-run ratios) |" if has_old else ""),
                  "|---|---|" + ("---|---|" if has_old else "")]
        for label, d in waits.items():
            row = f"| {label} | {np.median(d['new']):.2f} |"
            if has_old:
                row += f" {np.median(d['old']):.2f} | {np.median(np.divide(d['new'], d['old'])):.2f} |"
            lines.append(row)
        summary["waits"] = waits
    labels = list(elem)
    lines += ["", f"Elementwise functions, ns per element: median of {args.reps} interleaved repetitions "
              "(why rnnlib's sigmoid is built on exp):", "",
              "| function | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for name in elem[labels[0]]:
        lines.append(f"| {name} | " + " | ".join(f"{np.median(elem[lb][name]):.1f}" for lb in labels) + " |")
    summary["elementwise_ns"] = {lb: {k: float(np.median(v)) for k, v in d.items()} for lb, d in elem.items()}
    lines += ["", "Targets (issue 8), from the tables above:", ""]
    worst = max(summary["cases"].items(), key=lambda kv: kv[1]["rnnlib/minimal"])
    lines.append(f"- rnnlib within 1.1x of the minimal loop in every case: "
                 f"{'met' if worst[1]['rnnlib/minimal'] <= 1.1 else 'NOT met'} (worst {worst[1]['rnnlib/minimal']:.2f} at {worst[0]})")
    if "torch" in impls:
        b32 = summary["cases"].get("B=32 H=16 E=1", {}).get("torch/rnnlib", float("nan"))
        slowest = min(summary["cases"].items(), key=lambda kv: kv[1]["torch/rnnlib"])
        lines.append(f"- at least 2.5x faster than PyTorch at batch 32 hidden 16: {'met' if b32 >= 2.5 else 'NOT met'} ({b32:.1f}x); "
                     f"faster at every size: {'met' if slowest[1]['torch/rnnlib'] > 1 else 'NOT met'} "
                     f"(smallest margin {slowest[1]['torch/rnnlib']:.2f}x at {slowest[0]})")
    met = [k2 for k2, v in seeds_ratio.items() if v <= 2]
    lines.append(f"- 10 seeds at once at most 2x one seed: met where the step is overhead-bound ({', '.join(met) or 'none'}); "
                 f"NOT met where the arithmetic itself grows 10x (others)")
    if e2e:
        lines.append(f"- hidden-160 study at least a quarter of the matmul peak: "
                     f"{'met' if e2e['h160']['gflops'] >= peak / 4 else 'NOT met'} ({e2e['h160']['gflops'] / peak:.1%} end to end, "
                     f"{step_rate / peak:.1%} / {best_rate / peak:.1%} for the training step, median / best)")
    lines += ["", f"Benchmark wall time: {wall / 60:.1f} min ({'--quick' if args.quick else 'full'} run)."]
    return "\n".join(l for l in lines if l is not None) + "\n", summary


def plot(times, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    cases = list(times)
    impls = [i for i in ("rnnlib", "minimal", "torch") if i in times[cases[0]]]
    fig, ax = plt.subplots(figsize=(10, 4))
    x = np.arange(len(cases))
    w = 0.8 / len(impls)
    for j, name in enumerate(impls):
        med = np.array([np.median(times[c][name]) for c in cases]) * 1e3
        lo = med - np.array([q(times[c][name], 25) for c in cases]) * 1e3
        hi = np.array([q(times[c][name], 75) for c in cases]) * 1e3 - med
        ax.bar(x + (j - (len(impls) - 1) / 2) * w, med, w, yerr=[lo, hi], label=name, capsize=2)
    ax.set_yscale("log")
    ax.set_xticks(x, [case_name(c).replace(" ", "\n") for c in cases], fontsize=8)
    ax.set_ylabel("ms per training step (log)")
    ax.set_title("One training step (forward, BPTT, SGD) on the binary adder; bars: median, whiskers: IQR")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions, end to end with 1,000 steps")
    ap.add_argument("--no-torch", action="store_true", help="skip PyTorch even when it is installed")
    ap.add_argument("--no-e2e", action="store_true", help="skip the end-to-end runs")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 9, --quick 3)")
    ap.add_argument("--out", default=str(HERE), help="directory for results.md/.png/.json")
    args = ap.parse_args()
    args.reps = args.reps or (3 if args.quick else 9)
    use_torch = torch_step is not None and not args.no_torch
    start = time.perf_counter()
    print(machine(), "| torch:", "yes" if use_torch else "no", flush=True)
    peak = matmul_peak()
    print(f"matmul peak {peak:.1f} GFLOP/s", flush=True)
    cases = [(B, H, E) for H in (16, 160) for B in (1, 32, 256) for E in (None, 10)]
    # about 0.2 s per implementation and repetition, in 4 sub-blocks of ~50 ms: long enough that the
    # steps run with warm caches, as in a training run (10 ms sub-blocks favoured the smaller minimal loop)
    times = micro(cases, use_torch, args.reps, block=0.02 if args.quick else 0.2)
    elem = elementwise(args.reps)
    e2e = waits = None
    if not args.no_e2e:
        print("end to end", flush=True)
        e2e = end_to_end(1000 if args.quick else 10_000, peak)
        peak = e2e["peak"]
        print("what a learner waits for", flush=True)
        waits = learner_waits(args.quick)
    out = Path(args.out)
    text, summary = report(times, e2e, waits, peak, args, time.perf_counter() - start, elem)
    (out / "results.md").write_text(text)
    (out / "results.json").write_text(json.dumps(summary, indent=1, default=float))
    plot(times, out / "results.png")
    print(text)


if __name__ == "__main__":
    main()

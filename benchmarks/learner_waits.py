"""What a learner waits for, timed in one process: `python learner_waits.py TREE WORKLOAD [STEPS]`.

TREE is a directory holding an `rnnlib` package: this repository, or the
core as it was before it was rewritten to be read (bench.py extracts that
from git, commit OLD_CORE). The workloads are the runs a learner starts:

    lecture     the lecture's setup, seeds 0-9 at once, 10,000 steps (notebook 03)
    comparison  notebook 04's eleven settings x seeds 0-9 in one run, with the diagnostics
                (STEPS steps: the time grows linearly with them)
    explorer01 .. explorer05   each explorer's default: retrain (if it trains) and draw the figure

Both trees get the same work: where the course's API changed (setups, the package
layout), the workload calls each tree's own spelling of the same run. Prints one
JSON line: {"cpu": seconds of CPU time, "wall": seconds}.
"""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, sys.argv[1])

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NEW = os.path.isdir(os.path.join(sys.argv[1], "rnnlib", "course"))
COMPARISON = [{}, dict(init_std=0.1), dict(init_std=10.0), dict(init="xavier"), dict(init="he"), dict(lr=1.0),
              dict(activation="tanh"), dict(activation="relu"), dict(lecture_output_bug=True),
              dict(lr=1.0, lecture_output_bug=True), dict(activation="tanh", lecture_output_bug=True)]


def lecture(steps):
    if NEW:
        from rnnlib.course.ch03.adder import LECTURE, train_adders
        train_adders(LECTURE.but(steps=steps), range(10))
    else:
        from rnnlib.experiments import SEED001, run_adder
        run_adder(range(10), **dict(SEED001, steps=steps))


def comparison(steps):
    if NEW:
        from rnnlib.course.ch03.adder import LECTURE, train_adders
        from rnnlib.course.ch04.sweeps import diagnostics
        setups = [LECTURE.but(steps=steps, **c) for c in COMPARISON]
        train_adders(setups, range(10), eval_every=250, evaluate=diagnostics(setups, range(10)))
    else:
        from rnnlib.sweeps import run_settings, setting
        run_settings([setting(**c) for c in COMPARISON], seeds=range(10), steps=steps, eval_every=250)


def explorer(n):
    """Explorer n's default, as its widget's first slider move costs: compute, then draw."""
    if n == 1:
        from importlib import import_module
        e = import_module("rnnlib.course.ch01.explorer" if NEW else "rnnlib.explorers.ch01")
        fig = e.draw_trajectories()
    elif n == 2:
        from importlib import import_module
        e = import_module("rnnlib.course.ch02.explorer" if NEW else "rnnlib.explorers.ch02")
        fig = e.draw_gradient_flow()
    elif n == 3:
        if NEW:
            from rnnlib.course.ch03.explorer import START, draw_explorer
            fig, _ = draw_explorer(START)
        else:
            from rnnlib.explorers.ch03 import draw_explorer
            fig, _ = draw_explorer()
    elif n == 4:
        if NEW:
            from rnnlib.course.ch04.explorer import START, draw_setting
            fig = draw_setting(START.but(steps=STEPS_04))[0]
        else:
            from rnnlib.explorers.ch04 import draw_setting
            fig = draw_setting(steps=STEPS_04)[0]
    else:
        from importlib import import_module
        e = import_module("rnnlib.course.ch05.explorer" if NEW else "rnnlib.explorers.ch05")
        fig = e.draw_sine()
    fig = fig[0] if isinstance(fig, tuple) else fig
    fig.canvas.draw()
    plt.close("all")


def preload():
    """Import every module a workload uses, so that the timing is the work alone."""
    from importlib import import_module
    names = (["rnnlib.course.ch03.adder", "rnnlib.course.ch04.sweeps"]
             + [f"rnnlib.course.ch0{n}.explorer" for n in range(1, 6)] if NEW else
             ["rnnlib.experiments", "rnnlib.sweeps"] + [f"rnnlib.explorers.ch0{n}" for n in range(1, 6)])
    for name in names:
        import_module(name)


if __name__ == "__main__":
    preload()
    workload = sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    STEPS_04 = steps
    cpu, wall = time.process_time(), time.perf_counter()
    if workload == "lecture":
        lecture(steps)
    elif workload == "comparison":
        comparison(steps)
    else:
        explorer(int(workload[-1]))
    print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}))

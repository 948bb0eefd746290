"""Arithmetic variants: the same code on the vector units of other CPUs.

NumPy picks SIMD kernels for its ufuncs (exp, tanh, add, ...) at import time,
and OpenBLAS picks a matrix-multiply kernel for the CPU it finds. Different
kernels round differently in the last bits, so a learner's laptop computes
slightly different numbers from ours. Two environment variables make this
machine run the kernels of an older CPU:

    NPY_DISABLE_CPU_FEATURES   NumPy's dispatch levels to switch off
                               (NumPy >= 2.4 names them X86_V3, X86_V4,
                               AVX512_ICL, AVX512_SPR; unknown names are ignored
                               with only a hidden ImportWarning)
    OPENBLAS_CORETYPE          the OpenBLAS kernel family to use

Because a name can be silently ignored, every variant is checked by what the
process really runs (`fingerprint`): NumPy's chosen targets, read with
numpy.lib.introspect.opt_func_info, and OpenBLAS's kernel, read with
threadpoolctl. The notebooks are committed under REFERENCE, so that anyone on
an x86-64 CPU with AVX2 regenerates them exactly (`make notebooks`).
"""
import json
import os
import platform
import subprocess
import sys

AVX512 = "X86_V4,AVX512_ICL,AVX512_SPR"

# name: (what it stands for, environment, CPU features NumPy must report for it to run here)
VARIANTS = {
    "native": ("this machine's defaults", {}, ()),
    "avx2": ("x86-64 with AVX2 and FMA (Haswell, Zen; most laptops since 2013)",
             {"NPY_DISABLE_CPU_FEATURES": AVX512, "OPENBLAS_CORETYPE": "Haswell"}, ("AVX2", "FMA3")),
    "avx": ("x86-64 with AVX but no FMA (Sandy Bridge, 2011)",
            {"NPY_DISABLE_CPU_FEATURES": "X86_V3," + AVX512, "OPENBLAS_CORETYPE": "Sandybridge"}, ("AVX",)),
    "sse": ("x86-64 with SSE4.2 only (Nehalem, 2008)",
            {"NPY_DISABLE_CPU_FEATURES": "X86_V3," + AVX512, "OPENBLAS_CORETYPE": "Nehalem"}, ("SSE42",)),
}
REFERENCE = "avx2"

# A few ufuncs whose float64 kernels the course leans on: the targets NumPy chose for them
# show whether NPY_DISABLE_CPU_FEATURES took effect (``allowed_target``).
PROBE_FUNCS = "^(add|multiply|exp|tanh|sqrt)$"
_PROBE = """
import json, warnings
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    import numpy as np
from numpy.lib import introspect
from numpy._core._multiarray_umath import __cpu_features__
import threadpoolctl
info = introspect.opt_func_info(func_name=%r, signature="^d+$")
targets = sorted({d["current"] for sigs in info.values() for d in sigs.values()})
blas = [(i["internal_api"], i.get("architecture")) for i in threadpoolctl.threadpool_info()
        if i["user_api"] == "blas"]
print(json.dumps({"numpy": targets, "blas": blas,
                  "features": sorted(k for k, v in __cpu_features__.items() if v),
                  "warnings": [str(w.message) for w in caught]}))
""" % PROBE_FUNCS


def environment(name):
    """os.environ with variant `name` applied (one BLAS thread, as in every test)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    for key in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE"):
        env.pop(key, None)
    env.update(VARIANTS[name][1])
    return env


def fingerprint(name, python=sys.executable):
    """What a process under variant `name` really runs: NumPy targets, BLAS kernel, CPU features, warnings."""
    out = subprocess.run([python, "-c", _PROBE], env=environment(name), capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"variant {name}: probing NumPy failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def why_not(name, native, found):
    """None if variant `name` runs here as intended, else a one-line reason (`native`: native's fingerprint)."""
    wanted_blas = VARIANTS[name][1].get("OPENBLAS_CORETYPE")
    if name == "native":
        return None
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return f"not an x86-64 machine ({platform.machine()})"
    missing = [f for f in VARIANTS[name][2] if f not in native["features"]]
    if missing:
        return f"this CPU lacks {', '.join(missing)}"
    if not any(api == "openblas" for api, _ in found["blas"]):
        return f"NumPy is not linked to OpenBLAS here ({found['blas']}), so OPENBLAS_CORETYPE has no effect"
    if not all((arch or "").lower() == wanted_blas.lower() for api, arch in found["blas"] if api == "openblas"):
        return f"OpenBLAS did not take OPENBLAS_CORETYPE={wanted_blas} (it reports {found['blas']})"
    too_high = [t for t in found["numpy"] if not allowed_target(name, t)]
    if too_high:
        return f"NumPy ignored NPY_DISABLE_CPU_FEATURES and still runs {too_high} ({found['warnings']})"
    return None


def allowed_target(name, target):
    """Whether NumPy target `target` (e.g. 'X86_V3', 'baseline(X86_V2)') fits variant `name`."""
    disabled = VARIANTS[name][1].get("NPY_DISABLE_CPU_FEATURES", "").split(",")
    return not any(level and level in target for level in disabled)


def apply(name):
    """Set variant `name` in this process's environment (for kernels it starts); raise if it cannot run here."""
    native = fingerprint("native")
    found = fingerprint(name)
    reason = why_not(name, native, found)
    if reason:
        raise SystemExit(f"variant {name} cannot run here: {reason}")
    os.environ.update(environment(name))
    return found

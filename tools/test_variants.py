"""`make test-variants`: strict nbval over every notebook, once per arithmetic variant.

A notebook's committed outputs must not depend on which CPU computed them
(tools/variants.py explains the variants). This runs each notebook under each
variant the machine can offer, one notebook at a time (two kernels started at
once have hung here), and prints a table of pass/fail and seconds. A variant
this machine cannot run, or one whose code paths are the same as a variant
already run (its results would be bit for bit the same), is skipped with its
reason. Logs of every run go to build/variants/.

    python tools/test_variants.py [--variants native,sse] [notebooks/*.ipynb]
"""
import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import variants  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/sanitize.cfg", "-p", "no:cacheprovider"]


def run_notebook(name, notebook, log_dir):
    """Strict nbval on one notebook under variant `name`: (passed, seconds, last summary line)."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", *NBVAL, str(notebook)], cwd=ROOT,
                         env=variants.environment(name), capture_output=True, text=True, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    (log_dir / f"{name}__{notebook.stem}.log").write_text(out.stdout + out.stderr)
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    return out.returncode == 0, seconds, lines[-1] if lines else out.stderr.strip()[-200:]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default=",".join(variants.VARIANTS),
                        help="comma-separated, from: " + ", ".join(variants.VARIANTS))
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    names = [v for v in args.variants.split(",") if v]
    unknown = [v for v in names if v not in variants.VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s) {unknown}; expected some of {list(variants.VARIANTS)}")
    notebooks = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    log_dir = ROOT / "build" / "variants"
    log_dir.mkdir(parents=True, exist_ok=True)

    native = variants.fingerprint("native")
    seen = {}                      # code paths already run -> the variant that ran them
    results = {}                   # variant -> {notebook: (passed, seconds, summary)} or a skip reason
    for name in names:
        found = native if name == "native" else variants.fingerprint(name)
        paths = (tuple(found["numpy"]), tuple(map(tuple, found["blas"])))
        reason = variants.why_not(name, native, found)
        if reason is None and paths in seen:
            reason = f"same code paths as {seen[paths]} (NumPy {', '.join(found['numpy'])}; BLAS {found['blas']})"
        print(f"{name:7s} {variants.VARIANTS[name][0]}: ", end="", flush=True)
        if reason:
            print(f"skipped: {reason}")
            results[name] = reason
            continue
        print(f"NumPy {', '.join(found['numpy'])}; BLAS {found['blas']}", flush=True)
        seen[paths] = name
        results[name] = {}
        for nb in notebooks:
            passed, seconds, summary = run_notebook(name, nb, log_dir)
            results[name][nb.stem] = (passed, seconds, summary)
            print(f"    {nb.stem:40s} {'pass' if passed else 'FAIL'} {seconds:6.0f} s   {summary}", flush=True)

    print("\n" + f"{'variant':8s} " + " ".join(f"{nb.stem[:2]:>10s}" for nb in notebooks) + "     total")
    failed = False
    for name, res in results.items():
        if isinstance(res, str):
            print(f"{name:8s} skipped: {res}")
            continue
        cells = [f"{'pass' if p else 'FAIL'} {s:4.0f}s" for p, s, _ in res.values()]
        print(f"{name:8s} " + " ".join(f"{c:>10s}" for c in cells) + f"  {sum(s for _, s, _ in res.values()):6.0f} s")
        failed |= not all(p for p, _, _ in res.values())
    ran = [n for n, r in results.items() if not isinstance(r, str)]
    print(f"\n{len(ran)} variant(s) run ({', '.join(ran)}); logs in {log_dir.relative_to(ROOT)}/")
    if failed:
        print("FAILED: a notebook's outputs differ under some variant (see the logs)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Re-execute notebooks in place, top to bottom in a fresh kernel, for committing.

Keeps outputs and execution counts; strips what changes from run to run and
means nothing to a reader: per-cell timing metadata and saved widget state.
Kernels run under the reference arithmetic variant (tools/variants.py), so the
committed outputs are the ones any x86-64 CPU with AVX2 reproduces exactly;
`--variant native` uses this machine's defaults instead.

    python tools/run_notebooks.py [--variant NAME] notebooks/*.ipynb
"""
import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import variants  # noqa: E402


def clean(nb):
    """Drop timing and widget-state metadata."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
    return nb


def run(path):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=1200, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                   record_timing=False).execute()
    nbformat.write(clean(nb), path)
    print(f"{path}: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variant", default=variants.REFERENCE, choices=list(variants.VARIANTS))
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args()
    found = variants.apply(args.variant)      # the kernels inherit this environment
    print(f"variant {args.variant}: NumPy {', '.join(found['numpy'])}; BLAS {found['blas']}")
    for path in args.notebooks:
        run(path)

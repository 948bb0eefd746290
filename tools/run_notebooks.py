"""Re-execute notebooks in place, top to bottom in a fresh kernel, for committing.

Keeps outputs and execution counts; strips what changes from run to run and
means nothing to a reader: per-cell timing metadata and saved widget state.

    python tools/run_notebooks.py notebooks/*.ipynb
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


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
    for name in sys.argv[1:]:
        run(Path(name))

"""The committed notebooks are saved from one clean run and follow the course conventions.

(nbval, run by `make test-notebooks`, re-executes them and compares outputs;
these checks catch what nbval cannot: how they were saved.)
"""
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"


def code_cells(path):
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_saved_from_one_clean_run(path):
    cells = code_cells(path)
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1))
    for c in cells:
        assert not any(o["output_type"] == "error" for o in c["outputs"]), c["source"]
        assert not any(o.get("name") == "stderr" for o in c["outputs"]), f"stderr output (a warning?) in {c['source']!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_timing_or_widget_state_metadata(path):
    nb = json.loads(path.read_text())
    assert "widgets" not in nb["metadata"]
    assert all("execution" not in c["metadata"] for c in nb["cells"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widget_cells_are_marked_and_follow_a_static_figure(path):
    cells = code_cells(path)
    for i, c in enumerate(cells):
        if any(WIDGET in o.get("data", {}) for o in c["outputs"]):
            assert "nbval-ignore-output" in c["metadata"].get("tags", []), c["source"]
            before = cells[i - 1]["outputs"] if i else []
            assert any("image/png" in o.get("data", {}) for o in before), \
                f"the cell before the widget cell {c['source'][:60]!r} should draw the default setting"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_widget_cells_skip_output_comparison(path):
    for c in code_cells(path):
        tags = c["metadata"].get("tags", [])
        if "nbval-ignore-output" in tags or "nbval-skip" in tags:
            is_widget = any(WIDGET in o.get("data", {}) for o in c["outputs"])
            assert is_widget or "# output varies:" in "".join(c["source"]), \
                f"cell skips nbval comparison without a widget or a '# output varies:' reason: {c['source'][:80]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_cell_writes_files(path):
    """Figures are shown inline, not saved: a clean clone has no build/ directory to save them into
    (notebook 06 once saved PNGs to ../build/ and failed on a fresh clone)."""
    writers = [i for i, c in enumerate(code_cells(path)) if "savefig(" in "".join(c["source"])]
    assert writers == [], f"{path.name}: code cells {writers} call savefig"

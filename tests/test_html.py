"""The static site builder (tools/build_html.py) on a tiny executed notebook, offline
(a stand-in MathJax file, so no npm or network is needed)."""
import base64
import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build_html", ROOT / "tools" / "build_html.py")
build_html = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_html)

# A 1x1 PNG.
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8ffff3f0005fe02fe0def46b80000000049454e44ae426082")).decode()


def tiny_notebook(path, title, executed=True):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {title}\n\nIntro.\n\n**After this notebook you will be able to**\n\n"
                                      "1. write $u^t = x^t W_{in}$;\n2. use **bold** goals.\n\nMore."),
        nbformat.v4.new_code_cell("draw()"),
        nbformat.v4.new_code_cell("widget()"),
    ]
    if executed:
        nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
        nb.cells[2].outputs = [nbformat.v4.new_output(
            "display_data", data={build_html.WIDGET: {"model_id": "abc", "version_major": 2, "version_minor": 0},
                                  "text/plain": "VBox(children=...)"})]
        nb.cells[1].execution_count, nb.cells[2].execution_count = 1, 2
        nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nbformat.write(nb, path)
    return path


@pytest.fixture
def site(tmp_path):
    nbs = [tiny_notebook(tmp_path / "02_second.ipynb", "02 Second"),
           tiny_notebook(tmp_path / "01_first.ipynb", "01 First"),
           tiny_notebook(tmp_path / "03_draft.ipynb", "03 Draft", executed=False)]
    mathjax = tmp_path / "tex-svg-full.js"
    mathjax.write_text("/* stand-in */")
    out = tmp_path / "html"
    entries = build_html.build(nbs, out, mathjax)
    return out, entries


def test_index_in_syllabus_order_with_goals(site):
    out, entries = site
    assert [e[0] for e in entries] == ["01_first.html", "02_second.html"]   # unexecuted 03 skipped
    index = (out / "index.html").read_text()
    assert index.index("01 First") < index.index("02 Second")
    assert "write $u^t = x^t W_{in}$; use <strong>bold</strong> goals" in index
    assert 'src="mathjax/tex-svg-full.js"' in index
    assert not (out / "03_draft.html").exists()


def test_pages_are_offline_with_figures_math_and_no_widget_placeholder(site):
    out, _ = site
    page = (out / "01_first.html").read_text()
    assert f"data:image/png;base64,{PNG}" in page                  # the figure is embedded
    assert 'src="mathjax/tex-svg-full.js"' in page and "MathJax.Hub" not in page
    assert build_html.REMOTE_LOAD.findall(page) == []             # nothing loaded from the network
    assert build_html.WIDGET not in page and "widget-state" not in page
    assert "Interactive explorer" in page                          # the note replaces the widget
    assert (out / "mathjax" / "tex-svg-full.js").exists()


def test_title_and_goals_fallback():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("no heading here")]
    assert build_html.title_and_goals(nb, "99_x") == ("99_x", "")

"""rnnlib's modules talk through public names only: no module imports another's private
names (``from .data import _rng``) or reads private attributes of objects it did not
define (``model._cache``). Private names stay inside the module or class that owns them."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rnnlib"
MODULES = sorted(PACKAGE.rglob("*.py"))


def private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def reach_ins(path):
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [f"line {node.lineno}: from {'.' * node.level}{node.module or ''} import {a.name}"
                      for a in node.names if private(a.name)]
        elif isinstance(node, ast.Attribute) and private(node.attr):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_the_package_has_modules():
    assert len(MODULES) > 10


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_reach_ins(path):
    assert reach_ins(path) == []


def test_the_check_catches_a_reach_in(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from .data import _rng\nx = model._cache\ny = self._ok\nz = np.__version__\n")
    assert reach_ins(bad) == ["line 1: from .data import _rng", "line 2: model._cache"]


def imported_modules(path):
    """The rnnlib modules a file imports, as dotted names (relative imports resolved)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = parts[:len(parts) - node.level] if node.level else []
            names.append(".".join(base + ([node.module] if node.module else [])))
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    return [n for n in names if n.split(".")[0] == "rnnlib"]


def chapter(name):
    """2 for 'rnnlib.course.ch02.bugs', None outside the chapter packages."""
    parts = name.split(".")
    is_chapter = len(parts) > 2 and parts[1] == "course" and parts[2][:2] == "ch" and parts[2][2:].isdigit()
    return int(parts[2][2:]) if is_chapter else None


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_core_stands_alone_and_chapters_import_only_earlier_ones(path):
    me = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    for name in imported_modules(path):
        if not me.startswith("rnnlib.course"):
            assert not name.startswith("rnnlib.course"), f"the core module {me} imports {name}"
        elif chapter(me) is not None and chapter(name) is not None:
            assert chapter(name) <= chapter(me), f"{me} (chapter {chapter(me)}) imports the later {name}"


def test_the_import_check_resolves_names(tmp_path):
    assert chapter("rnnlib.course.ch04.sweeps") == 4 and chapter("rnnlib.data") is None
    assert chapter("rnnlib.course.checking") is None
    bad = tmp_path / "rnnlib" / "course" / "ch02" / "late.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("from rnnlib.course.ch03.adder import LECTURE\nfrom . import bugs\n")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "rnnlib"
    try:
        assert imported_modules(bad) == ["rnnlib.course.ch03.adder", "rnnlib.course.ch02"]
    finally:
        PACKAGE = saved

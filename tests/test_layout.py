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

"""The package's layers import downward only: the mathematics and engine, then the
experiments, import no plotting (not matplotlib, not ipywidgets, not the figures or the
explorable machinery), not even inside a function; the figures import no machinery's
private names; and the engine and experiments work with matplotlib and ipywidgets blocked."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import initreg

PKG = Path(initreg.__file__).resolve().parent
#: The engine and the experiments: every module of initreg outside figures/ and explorable/.
PLOT_FREE = sorted(p for p in PKG.rglob("*.py")
                   if not {"figures", "explorable"} & set(p.relative_to(PKG).parts)
                   and p.name not in ("__init__.py", "_sphinx.py"))
DRAWING = ("matplotlib", "ipywidgets", "initreg.figures", "initreg.explorable")


def imports_of(path: Path) -> list[str]:
    """Every module a file imports, resolved to an absolute name, anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("initreg",) + path.relative_to(PKG).parent.parts)
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = base + ("." + node.module if node.module else "")
            else:
                base = node.module
            names += [base] + [f"{base}.{a.name}" for a in node.names]
    return names


def test_there_are_engine_and_experiment_modules():
    names = {p.stem for p in PLOT_FREE}
    assert {"network", "training", "penalties", "minimizers", "playground", "deep", "weights", "landscapes",
            "propagation", "diagnostics", "generalization", "claims"} <= names


@pytest.mark.parametrize("path", PLOT_FREE, ids=lambda p: str(p.relative_to(PKG)))
def test_the_engine_and_the_experiments_import_no_drawing(path):
    bad = [n for n in imports_of(path) if any(n == d or n.startswith(d + ".") for d in DRAWING)]
    assert not bad, f"{path.relative_to(PKG)} imports {bad}"


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_no_module_imports_another_modules_private_name(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [f"{node.module}.{a.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
           for a in node.names if a.name.startswith("_") and not a.name.startswith("__")
           and a.name not in ("_validate", "_threads")]  # the two helper modules every layer shares
    assert not bad, f"{path.relative_to(PKG)} imports private names {bad}"


def test_the_explorable_machinery_imports_nothing_of_the_book():
    for path in (PKG / "explorable").rglob("*.py"):
        book = [n for n in imports_of(path) if n.startswith("initreg.")
                and not n.startswith(("initreg.explorable", "initreg._validate"))]
        assert not book, f"{path.relative_to(PKG)} imports {book}"


def test_the_engine_and_experiments_run_with_matplotlib_and_ipywidgets_blocked():
    code = """
import sys
sys.modules["matplotlib"] = None
sys.modules["ipywidgets"] = None
import numpy as np
import initreg
from initreg import network, training, penalties, minimizers, playground, deep, weights, landscapes, propagation
net = initreg.Network([4, 5, 3], "tanh", rng=np.random.default_rng(0))
X, y = np.random.default_rng(1).normal(size=(20, 4)), np.arange(20) % 3
h = initreg.train(net, X, y, epochs=3, lr=0.1, penalty="l2", lam=0.01)
assert h.steps_taken == 3
assert "matplotlib" not in {m.split(".")[0] for m, v in sys.modules.items() if v is not None}
try:
    initreg.plot_capacity
except ImportError:
    print("figures need matplotlib")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "figures need matplotlib"

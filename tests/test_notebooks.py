"""Notebook hygiene: every chapter is in the table of contents, executed top to bottom
in one run, with no error and no stderr in its stored outputs."""

import json

import pytest
from conftest import ROOT, toc_pages

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_every_chapter_is_in_the_toc_and_exists():
    files = toc_pages()
    for nb in NOTEBOOKS:
        assert str(nb.relative_to(ROOT).with_suffix("")) in files, f"{nb.name} is not in _toc.yml"
    for f in files:
        assert any((ROOT / (f + ext)).exists() for ext in (".ipynb", ".md")), f"{f} in _toc.yml does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_in_order_without_errors_or_stderr(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a chapter without code"
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), \
        "not executed top to bottom in one run: run `make execute`"
    for c in code:
        for out in c["outputs"]:
            assert out["output_type"] != "error", f"stored error in cell {c['execution_count']}"
            assert out.get("name") != "stderr", f"stderr in cell {c['execution_count']}: {''.join(out['text'])[:200]}"
    assert "widgets" not in nb["metadata"], "widget state is not stored (the static book uses frames)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_path_hacks(path):
    text = path.read_text()
    assert "sys.path" not in text, "chapters import the installed initreg, never a path hack"
    assert "import code" not in text


# ------------------------------------------------------------------ prose numbers and claims
# One mechanism puts numbers in the prose: {eval}`page.name` (initreg.claims). The HTML book
# reads the value glued as `name`; JupyterLab (jupyterlab-myst) evaluates page.name in the
# kernel and, before it runs, shows the result stored in the cell's user_expressions.

import ast  # noqa: E402
import re  # noqa: E402

from initreg._sphinx import EVAL_EXPRESSION  # noqa: E402

EVAL = re.compile(r"\{eval\}`([^`]+)`")
GLUE_MIME = "application/papermill.record/text/plain"
MACHINERY = ("check", "value", "claims")  # the methods of Page


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _glued(cells):
    """Every glued value of a notebook, name -> list of texts (one per glue)."""
    out = {}
    for c in cells:
        for o in c.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is not None:
                out.setdefault(name, []).append(o["data"].get(GLUE_MIME))
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prose_numbers_use_one_mechanism_and_are_glued_once(path):
    cells = _cells(path)
    glued = _glued(cells)
    twice = sorted(k for k, v in glued.items() if len(v) > 1)
    assert not twice, f"glued more than once (the build refuses it): {twice}"
    for i, c in enumerate(cells):
        if c["cell_type"] != "markdown":
            continue
        src = "".join(c["source"])
        assert "{glue" not in src, f"cell {i}: a {{glue}} role; prose numbers are {{eval}}`page.name`"
        for expr in EVAL.findall(src):
            m = EVAL_EXPRESSION.match(expr.strip())
            assert m, f"cell {i}: {{eval}}`{expr}` is not of the form page.name"
            assert m.group(1) in glued, f"cell {i}: page.{m.group(1)} is quoted but never set"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_jupyterlab_shows_the_glued_numbers_before_the_kernel_runs(path):
    """Each Markdown cell stores, in its user_expressions, the text of every number it quotes,
    and that text is the glued one: JupyterLab and the HTML book show the same number."""
    cells = _cells(path)
    glued = {k: v[0] for k, v in _glued(cells).items()}
    for i, c in enumerate(cells):
        if c["cell_type"] != "markdown":
            continue
        exprs = list(dict.fromkeys(e.strip() for e in EVAL.findall("".join(c["source"]))))
        stored = c["metadata"].get("user_expressions")
        if not exprs:
            assert stored is None, f"cell {i}: stale user_expressions"
            continue
        assert stored is not None, f"cell {i}: no stored user_expressions: run `make execute`"
        assert [s["expression"] for s in stored] == exprs, f"cell {i}: stored expressions are stale"
        for s in stored:
            assert s["result"]["status"] == "ok"
            name = EVAL_EXPRESSION.match(s["expression"]).group(1)
            assert s["result"]["data"]["text/plain"] == glued[name], \
                f"cell {i}: {s['expression']} shows {s['result']['data']['text/plain']!r} in JupyterLab " \
                f"but {glued[name]!r} in the book"


def _machinery_share(source: str) -> float:
    """The share of a cell's statements that are checks and glue: page.check/value/claims
    calls, glue(...) and assert."""
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython magics
        body = ast.parse("\n".join(l for l in source.splitlines() if not l.lstrip().startswith("%"))).body
    if not body:
        return 0.0

    def machinery(node):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, (ast.Expr, ast.Assign)) and isinstance(node.value, ast.Call):
            f = node.value.func
            return (isinstance(f, ast.Attribute) and f.attr in MACHINERY and isinstance(f.value, ast.Name)
                    and f.value.id == "page") or (isinstance(f, ast.Name) and f.id == "glue")
        return False

    return sum(machinery(n) for n in body) / len(body)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_readers_see_the_claims_not_the_machinery(path):
    cells = _cells(path)
    code = [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code"]
    for i, c in code:
        tags = c["metadata"].get("tags", [])
        if _machinery_share("".join(c["source"])) >= 0.5:
            assert {"hide-input", "remove-input", "hide-cell"} & set(tags), \
                f"cell {i} is mostly checks and glue: tag it hide-input"
    boxes = [i for i, c in code if any("initreg-claims" in "".join(o.get("data", {}).get("text/html", ""))
                                        for o in c["outputs"])]
    checks = [i for i, c in code if "page.check(" in "".join(c["source"])]
    assert boxes, "the chapter shows no box of checked claims (page.claims())"
    if checks:
        assert max(checks) <= max(boxes), "claims checked after the last box are never shown: end with page.claims()"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_hidden_code_is_folded_in_jupyterlab_too(path):
    """The code the HTML book hides behind a toggle (``hide-input``) is folded in JupyterLab
    and on Binder too (``metadata.jupyter.source_hidden``, which tools/notebooks.py sets on
    every run); no other cell is folded."""
    for i, c in enumerate(_cells(path)):
        tagged = c["cell_type"] == "code" and "hide-input" in c["metadata"].get("tags", [])
        folded = bool(c["metadata"].get("jupyter", {}).get("source_hidden"))
        assert folded == tagged, f"cell {i}: {'tagged hide-input but not folded' if tagged else 'folded, not tagged'}"

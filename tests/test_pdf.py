"""The book's PDF (after `make pdf`): complete, with every figure, typeset, and nothing leaked.

``make pdf`` builds the whole book with Jupyter Book's LaTeX builder and xelatex and
publishes it as ``_build/pdf/<name>.pdf`` (``<name>``: ``latex.latex_documents.targetname``
in ``_config.yml``). The tests marked ``pdf`` read it with poppler's ``pdftotext``,
``pdfimages`` and ``pdffonts`` and read the LaTeX log, against the executed chapters it was
built from (``_build/jupyter_execute``). They check that

* every page of ``_toc.yml`` has its title in the PDF, in the table of contents' order;
* it embeds at least as many images as the book has figures, and every figure's caption
  is in its text (an interactive figure as its default frame, said so in its caption);
* the LaTeX log has no undefined reference or citation;
* the math is typeset: no TeX source in the text, and the math font is embedded;
* every exercise is there, each followed by its solution (chapter by chapter);
* no widget repr, raw HTML, MyST role or line of a hidden check cell shows as text.

The test marked ``build`` checks the HTML book's side: the landing page links to the PDF,
and the PDF is beside the pages, exactly when it was built.
"""

from __future__ import annotations

import html as html_text
import re
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

from conftest import CONFIG, HTML, ROOT, is_notebook, source_of, toc_pages

BUILD = HTML.parent
NAME = Path(CONFIG["latex"]["latex_documents"]["targetname"]).stem
PDF = BUILD / "pdf" / f"{NAME}.pdf"
LATEX_LOG = BUILD / "latex" / f"{NAME}.log"
EXECUTED = BUILD / "jupyter_execute"

pdf = pytest.mark.pdf


def poppler(tool: str, *options: str) -> str:
    """The output of one of poppler's tools on the PDF (pdftotext writes to stdout)."""
    assert PDF.exists(), f"no PDF at {PDF}: run `make pdf` first"
    args = [tool, *options, str(PDF)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@lru_cache(maxsize=None)
def text() -> str:
    return poppler("pdftotext", "-enc", "UTF-8")


def squeeze(s: str) -> str:
    """Letters and digits only, compatibility-normalized (ligatures, line-end hyphens and
    spacing do not count), so that a phrase is found however LaTeX broke its lines."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", s) if ch.isalnum()).lower()


@lru_cache(maxsize=None)
def squeezed() -> str:
    return squeeze(text())


def title(page: str) -> str:
    """The page's one ``#`` heading, without MyST markup."""
    path = source_of(page)
    if path.suffix == ".ipynb":
        lines = [l for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
                 for l in c.source.splitlines()]
    else:
        lines = path.read_text(encoding="utf-8").splitlines()
    heading = next(l for l in lines if l.startswith("# "))
    return re.sub(r"[*_`]", "", heading[2:]).strip()


def executed(page: str):
    """The chapter as the PDF shows it: the executed copy the build rendered."""
    path = EXECUTED / (page.split("/", 1)[1] + ".ipynb") if page.startswith("chapters/") else None
    path = path if path is not None and path.exists() else EXECUTED / (page + ".ipynb")
    assert path.exists(), f"{path} is missing: `make pdf` renders the chapters there"
    return nbformat.read(path, as_version=4)


NOTEBOOKS = [p for p in toc_pages() if is_notebook(p)]


def figures(page: str) -> list[dict]:
    """The chapter's figures: each Explorable output (its caption; interactive or not) and
    each other image output that is not the picture of a formula."""
    found = []
    for cell in executed(page).cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {})
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            if "initreg-explorable" in html:
                cap = re.search(r"<figcaption>(.*?)</figcaption>", html, re.S)
                found.append({"caption": html_text.unescape(re.sub(r"<[^>]+>", "", cap.group(1))) if cap else None,
                              "live": "application/vnd.jupyter.widget-view+json" in data})
            elif "image/png" in data and "text/latex" not in data:
                found.append({"caption": None, "live": False})
    return found


@pytest.fixture(autouse=True)
def _only_when_selected(request):
    """The PDF exists only after ``make pdf``: its tests run under ``-m pdf`` (``make pdf-test``),
    not in a plain ``pytest tests`` or under another marker expression."""
    if request.node.get_closest_marker("pdf") and "pdf" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("the PDF's tests run with -m pdf (make pdf-test)")


# ---------------------------------------------------------------- the tests
@pdf
def test_the_pdf_exists():
    assert PDF.exists(), f"no PDF at {PDF}: run `make pdf`"
    info = poppler("pdfinfo")
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    print(f"{PDF.name}: {pages} pages, {PDF.stat().st_size / 1e6:.1f} MB")
    assert pages >= 2 * len(NOTEBOOKS)


@pdf
def test_every_page_title_in_order():
    body = squeezed()
    contents_end = body.find(squeeze(title(toc_pages()[-1])))
    positions = []
    for page in toc_pages()[1:]:  # the landing page is the book's title and preface
        t = squeeze(title(page))
        assert t in body, f"the title of {page} ({title(page)!r}) is not in the PDF's text"
        positions.append(body.find(t))
    assert positions == sorted(positions), "the titles are not in the order of _toc.yml"
    assert contents_end > 0


@pdf
def test_every_figure_is_an_image_with_its_caption():
    listing = poppler("pdfimages", "-list").splitlines()[2:]
    images = sum(1 for row in listing if row.split()[2] == "image")
    book = [f for page in NOTEBOOKS for f in figures(page)]
    print(f"{images} images embedded; the book has {len(book)} figures "
          f"({sum(f['live'] for f in book)} interactive)")
    assert images >= len(book), f"{images} images in the PDF, {len(book)} figures in the book"
    body = squeezed()
    for f in book:
        if f["caption"]:
            assert squeeze(f["caption"])[:80] in body, f"a caption missing from the PDF: {f['caption'][:100]}"
    live = sum(f["live"] for f in book)
    note = squeeze("shown here at its default setting")
    assert body.count(note) >= live, "an interactive figure's caption does not say it shows its default setting"


@pdf
def test_no_undefined_references():
    assert LATEX_LOG.exists(), f"no LaTeX log at {LATEX_LOG}"
    log = LATEX_LOG.read_text(encoding="utf-8", errors="replace")
    undefined = re.findall(r"^.*(?:Reference|Citation|reference) [`'].*?' on page \d+ undefined.*$", log, re.M)
    assert not undefined, "undefined references:\n" + "\n".join(undefined[:20])
    assert "There were undefined references" not in log
    assert "There were multiply-defined labels" not in log


@pdf
def test_math_is_typeset():
    body = text()
    tex = re.findall(r".{0,30}(?:\\(?:frac|sqrt|sum|mathbb|mathcal|mathrm|begin|end|left|right)\b|\$\$|\\\(|\\\[).{0,30}", body)
    assert not tex, "TeX source in the PDF's text:\n" + "\n".join(tex[:10])
    fonts = poppler("pdffonts")
    assert re.search(r"Math", fonts), "no math font embedded"


def _count(page: str, directive: str) -> int:
    source = "\n".join(c.source for c in executed(page).cells if c.cell_type == "markdown")
    return len(re.findall(rf"^(?:```+|:::+){{{directive}}}", source, re.M))


@pdf
def test_exercises_and_solutions():
    """sphinx-exercise numbers the exercises per chapter ("Exercise 3.5.1"); in the PDF each
    solution ("Solution to Exercise 3.5.1") follows its exercise, at the chapter's end."""
    body = text()
    shown = re.findall(r"^Exercise (\d+\.\d+\.\d+)\s*$", body, re.M)
    solved = re.findall(r"Solution to Exercise (\d+\.\d+\.\d+)", body)
    exercises = sum(_count(p, "exercise") for p in NOTEBOOKS)
    solutions = sum(_count(p, "solution") for p in NOTEBOOKS)
    print(f"{len(shown)} exercises and {len(solved)} solutions in the PDF")
    assert len(set(shown)) == len(shown) == exercises, f"{len(shown)} exercises in the PDF, {exercises} in the chapters"
    assert len(set(solved)) == len(solved) == solutions, f"{len(solved)} solutions in the PDF, {solutions} in the chapters"
    for number in solved:
        assert number in shown, f"a solution to exercise {number}, which the PDF does not have"
        assert body.find(f"Solution to Exercise {number}") > body.find(f"Exercise {number}\n")


#: What must never reach the page as text: widget reprs, HTML, MyST roles left unresolved.
LEAKS = [r"Explorable '", r"\b[VH]Box\(children", r"\bImage\(value", r"\binteractive\(", r"application/vnd\.",
         r"</?(?:div|span|figure|figcaption|details|summary|table|script|style|img|svg|button|input)\b[^>]*>",
         r"\{(?:eval|glue|ref|cite|numref|prf:ref)(?::\w+)?\}`", r"\{(?:exercise|solution|prf:\w+)\}"]


@pdf
def test_nothing_leaks():
    body = text()
    for pattern in LEAKS:
        found = re.findall(f".{{0,40}}{pattern}.{{0,40}}", body)
        assert not found, f"{pattern!r} in the PDF's text:\n" + "\n".join(found[:5])


def _code(line: str) -> str:
    """A line of code without its string literals (a claim's words are shown in its box)."""
    return squeeze(re.sub(r"(?:[rfb]?\"[^\"]*\"|[rfb]?'[^']*')", "", line))


@pdf
def test_hidden_check_cells_do_not_show():
    """The code of the cells the HTML book folds away (hide-input) is not in the PDF; the
    claims they check still are, in their boxes."""
    body = squeezed()
    hidden, visible, prose = [], set(), []
    for page in NOTEBOOKS:
        for c in executed(page).cells:
            if c.cell_type == "markdown":
                prose.append(squeeze(c.source))
            elif {"hide-input", "remove-input", "remove-cell"} & set(c.metadata.get("tags", [])):
                hidden += [(page, line) for line in c.source.splitlines()]
            else:
                visible |= {_code(line) for line in c.source.splitlines()}
    # a line that the PDF shows elsewhere (a visible cell, the prose, a claim) proves nothing
    elsewhere = "|".join(visible) + "|" + "|".join(prose)
    shown = [f"{page}: {line.strip()[:100]}" for page, line in hidden
             if not line.lstrip().startswith("#") and len(_code(line)) >= 24
             and _code(line) in body and _code(line) not in elsewhere]
    assert not shown, "lines of hidden cells in the PDF:\n" + "\n".join(shown[:10])


@pytest.mark.build
def test_the_landing_page_links_the_pdf_when_built():
    """The HTML book offers the PDF exactly when `make pdf` built it (tools/book_pdf.py)."""
    landing = (HTML / "chapters" / "index.html").read_text(encoding="utf-8")
    copy = HTML / PDF.name
    links = re.findall(r'href="([^"]*\.pdf)"', landing)
    if PDF.exists():
        assert links == [f"../{PDF.name}"], links
        assert copy.exists() and copy.read_bytes() == PDF.read_bytes(), "the HTML book's copy is not the PDF"
    else:
        assert not links, "a link to a PDF that was not built"
        assert not copy.exists()


def test_the_caption_of_a_player():
    """tools/book_pdf.py reads a figure's caption from its HTML player, and nothing else's."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("book_pdf", ROOT / "tools" / "book_pdf.py")
    book_pdf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(book_pdf)
    caption_of = book_pdf.caption_of

    player = ('<figure class="initreg-explorable" id="fig-x"><div class="ix-panels"></div>'
              "<figcaption>Var(z) &amp; the  gain\n of tanh: &lt;1</figcaption></figure>")
    assert caption_of(player) == "Var(z) & the gain of tanh: <1"
    assert caption_of("<figure><figcaption>not a player</figcaption></figure>") is None
    assert caption_of('<figure class="initreg-explorable"></figure>') is None

"""Launching a chapter from the built book: Binder, Thebe, the .ipynb download, and the
repository and issue buttons point at the real repository, branch `main` and the chapter's
real path (Jupyter Book 1 would default the branch to `master`); and the book's citation
(CITATION.cff and the "How to cite" page) agrees with its configuration.

The tests marked `build` read the built HTML (after `make html`). INITREG_HTML selects another build folder and
INITREG_BOOK another book root (the folder with _config.yml and _toc.yml).
"""

from __future__ import annotations

import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import BOOK, CONFIG, HTML, is_notebook, source_of, toc_pages

build = pytest.mark.build  # the tests that read the built HTML


def repository() -> tuple[str, str, str, str]:
    """``(url, org, repo, branch)`` from the one ``repository`` block of ``_config.yml``."""
    repo = CONFIG["repository"]
    url = repo["url"].rstrip("/")
    m = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", url)
    assert m, f"repository.url must be https://github.com/ORG/REPO (Binder and Thebe need it); got {url}"
    return url, m.group(1), m.group(2), repo.get("branch", "master")


def repo_path(page: str, suffix: str) -> str:
    """The page's source file as a path inside the repository."""
    book = (CONFIG["repository"].get("path_to_book") or "").strip("/")
    return "/".join(p for p in (book, page + suffix) if p)


def expected_binder_url(page: str) -> str:
    url, org, repo, branch = repository()
    hub = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    return f"{hub}/v2/gh/{org}/{repo}/{branch}?urlpath=lab/tree/{repo_path(page, '.ipynb')}"


@lru_cache(maxsize=None)
def soup(page: str) -> BeautifulSoup:
    path = HTML / (page + ".html")
    assert path.exists(), f"{path} is missing: build the book first (`make html`)"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def links(page: str, css_class: str) -> list[str]:
    return [a["href"] for a in soup(page).select(f"a.{css_class}")]


NOTEBOOKS = [p for p in toc_pages() if is_notebook(p)]
MARKDOWN = [p for p in toc_pages() if not is_notebook(p)]


# ------------------------------------------------------------------ configuration
def test_repository_is_one_line_and_points_at_main():
    url, org, repo, branch = repository()
    assert branch == "main", "the book's branch is main; Jupyter Book 1 would default to master"
    config_text = (BOOK / "_config.yml").read_text()
    assert len(re.findall(r"https://github\.com/", config_text)) == 1, \
        "the repository URL must be written once in _config.yml (repository.url)"
    launch = CONFIG["launch_buttons"]
    assert launch["notebook_interface"] == "jupyterlab"
    assert launch["thebe"] is True
    assert launch["binderhub_url"].startswith("https://")
    html = CONFIG["html"]
    assert html["use_repository_button"] and html["use_issues_button"]
    assert html.get("use_download_button", True)


def test_binder_builds_from_requirements_and_runtime():
    runtime = (BOOK / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), f"runtime.txt must read python-3.X; got {runtime!r}"
    lines = [l.split("#")[0].strip() for l in (BOOK / "requirements.txt").read_text().splitlines()]
    lines = [l for l in lines if l]
    assert "-e ." in lines, "requirements.txt installs the book's own package (initreg)"
    unpinned = [l for l in lines if l != "-e ." and not re.fullmatch(r"[A-Za-z0-9_.\[\]-]+==[\w.+!-]+", l)]
    assert not unpinned, f"Binder installs requirements.txt: pin every line with ==; not pinned: {unpinned}"


def test_binders_start_runs_the_command_with_live_only_figures():
    """repo2docker runs ``start`` as the container's entry point with JupyterLab's command as
    its arguments: it must run that command, with the variable that leaves out the static
    players (initreg.explorable.figure.NO_STATIC_PLAYER)."""
    import subprocess

    from initreg.explorable.figure import NO_STATIC_PLAYER

    start = BOOK / "start"
    assert os.access(start, os.X_OK), "start must be executable (repo2docker runs it)"
    out = subprocess.run([str(start), sys.executable, "-c", f"import os; print(os.environ['{NO_STATIC_PLAYER}'])"],
                         capture_output=True, text=True, check=True, env={"PATH": os.environ["PATH"]})
    assert out.stdout.strip() == "1"


# ------------------------------------------------------------------ every page
@build
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_notebook_page_launches_on_binder_and_thebe(page):
    assert links(page, "dropdown-item[href*='/v2/gh/']") == [expected_binder_url(page)]
    assert soup(page).select("button.btn-launch-thebe"), "no Live Code (Thebe) button"
    config = soup(page).find("script", attrs={"type": "text/x-thebe-config"})
    assert config is not None, "no Thebe configuration on the page"
    text = config.string
    url, org, repo, branch = repository()
    assert re.search(rf'repo:\s*"{re.escape(org)}/{re.escape(repo)}"', text), text
    assert re.search(rf'ref:\s*"{re.escape(branch)}"', text), text
    folder = str(Path(repo_path(page, ".ipynb")).parent)
    m = re.search(r'path:\s*"([^"]*)"', text)
    assert m and os.path.normpath(m.group(1)) == os.path.normpath(folder), \
        f"Thebe starts the kernel in {m and m.group(1)!r}, not the chapter's folder {folder!r}"


@build
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_notebook_page_downloads_its_ipynb(page):
    hrefs = links(page, "btn-download-source-button")
    assert len(hrefs) == 1, f"expected one download link, got {hrefs}"
    target = urlsplit(urljoin(f"http://book/{page}.html", hrefs[0])).path.lstrip("/")
    assert target.endswith(".ipynb"), target
    downloaded = json.loads((HTML / target).read_text())
    source = json.loads(source_of(page).read_text())

    def code(nb: dict) -> list[str]:
        return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]

    assert code(downloaded) == code(source), "the downloaded notebook is not the chapter's"
    assert any(c.get("outputs") for c in downloaded["cells"] if c["cell_type"] == "code"), \
        "the downloaded notebook should carry the chapter's outputs"


@build
@pytest.mark.parametrize("page", toc_pages())
def test_repository_and_issue_buttons(page):
    url = repository()[0]
    assert links(page, "btn-source-repository-button") == [url]
    issues = links(page, "btn-source-issues-button")
    assert len(issues) == 1 and issues[0].startswith(f"{url}/issues/new?"), issues
    assert f"/{page}.html" in issues[0].replace("%2F", "/"), "the issue title should name the page"


@build
@pytest.mark.parametrize("page", MARKDOWN)
def test_markdown_page_has_no_launch_button(page):
    assert not links(page, "dropdown-item[href*='/v2/gh/']"), "a Markdown page has nothing to launch"
    hrefs = links(page, "btn-download-source-button")
    assert len(hrefs) == 1 and hrefs[0].endswith(".md")
    target = urlsplit(urljoin(f"http://book/{page}.html", hrefs[0])).path.lstrip("/")
    assert (HTML / target).read_text() == source_of(page).read_text()


@build
def test_no_launch_url_uses_master():
    for page in toc_pages():
        for a in soup(page).select("a[href]"):
            href = a["href"]
            if "mybinder" in href or "github.com" in href:
                assert "/master" not in href and "ref=master" not in href, f"{page}: {href}"


# ------------------------------------------------------------------ citing the book
def citation() -> dict:
    return yaml.safe_load((BOOK / "CITATION.cff").read_text())


def test_citation_cff_is_valid_cff_1_2_0():
    cff = citation()
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert cff.get(key), f"CITATION.cff needs {key!r}"
    assert cff["type"] in ("software", "dataset")
    for person in cff["authors"] + cff["preferred-citation"]["authors"]:
        assert person.get("name") or person.get("family-names"), person
    assert cff["title"] == CONFIG["title"]
    pyproject = (BOOK / "pyproject.toml").read_text()
    assert f'version = "{cff["version"]}"' in pyproject, "CITATION.cff's version is initreg's version"
    pref = cff["preferred-citation"]
    assert pref["type"] == "book" and pref["title"].startswith(cff["title"])
    assert str(pref["year"]) == str(CONFIG["copyright"])


def test_citing_page_has_the_bibtex_entry_of_citation_cff():
    page = (BOOK / "chapters" / "citing.md").read_text()
    assert page.startswith("(citing)=\n# How to cite this book")
    entry = re.search(r"```bibtex\n(@book\{\w+,\n.*?\n\})\n```", page, re.S)
    assert entry, "the page needs one BibTeX @book entry in a bibtex code block"
    fields = dict(re.findall(r"^\s+(\w+)\s+= \{(.*)\},?$", entry.group(1), re.M))
    pref = citation()["preferred-citation"]
    assert fields["title"] == pref["title"]
    assert fields["author"] == "{" + pref["authors"][0]["name"] + "}"
    assert fields["year"] == str(pref["year"])
    assert pref["version"] in fields["edition"]
    assert entry.group(1).count("{") == entry.group(1).count("}"), "unbalanced braces"
    assert "{{ repository_url }}" in page, "the page names the repository through _config.yml"
    assert "chapters/citing" in toc_pages()

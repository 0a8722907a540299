"""The built book in a real browser: every page of the table of contents, in Chromium.

Playwright for Python drives Debian's Chromium (/usr/bin/chromium, or $CHROMIUM), headless,
with a fresh profile. The book is served from 127.0.0.1 by a threaded http.server. On every
page this test asserts that

* no request fails and none leaves 127.0.0.1 (every other request is blocked and recorded):
  the book reads offline until the reader presses a launch or live-code button;
* the console logs no error and no script throws;
* MathJax (bundled with the book) typeset every formula: each ``.math`` element holds an
  ``mjx-container`` and there is no ``mjx-merror``;
* every image loaded (``naturalWidth > 0``) and has alt text;
* every static interactive figure (``figure.initreg-explorable``) answers each of its
  controls, from the mouse and from the keyboard: the shown frame and its alt text change;
  every time or strength slider has at least 16 positions, and a play button steps it;
* every figure is a player whose text is at least 11 CSS pixels on a 1280-pixel page and
  9 on a 390-pixel phone, and nothing on a page overflows horizontally at 390 pixels;
* no inert ipywidget, widget state or widget-manager script is on the page;
* every chapter lists its checked claims in boxes (``details.initreg-claims``), shows its
  prose numbers as values (no ``{eval}`` or ``{glue`` left as text), and no visible code
  cell is mostly checks and glue (those cells are behind the "Show code cell source" toggle);
* the launch, download, repository and issue buttons are there and point where
  tests/test_launch.py says they must;
* axe-core finds no WCAG 2 A/AA violation, except the allowlist below, justified line by line.

A full-page screenshot of each page is saved to ``<build>/screenshots/`` (next to ``html/``)
before the assertions run: look there when this test fails.

Run `bash tests/ensure_chromium.sh` first (`make browser` does). Without Chromium this test
fails with the command to run; it is never skipped. INITREG_HTML and INITREG_BOOK select
another build, as in tests/test_launch.py.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import HTML, is_notebook, toc_pages
from test_launch import expected_binder_url, repository

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--metrics-recording-only",
]
SCREENSHOTS = HTML.parent / "screenshots"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_BUDGET = 5_000_000  # bytes of HTML per page, frames of interactive figures included

#: axe-core violations accepted on purpose, as (rule id, page regex, element regex) -> reason;
#: the element regex is searched in the offending element's selector and HTML. Each entry
#: must be justified. An entry whose page regex is a plain page name must still match on
#: that page, so the list cannot silently grow stale.
AXE_ALLOWLIST: dict[tuple[str, str, str], str] = {
    # sphinxcontrib-bibtex writes the bibliography as docutils citations, and docutils' HTML
    # writer marks them up as <div role="list" class="citation-list"> holding
    # <div class="citation" role="doc-biblioentry"> entries. DPUB-ARIA 1.1 deprecated
    # doc-biblioentry (axe: "aria-deprecated-role"), and as it is not "listitem", axe also
    # finds a list without list items ("aria-required-children"). Each entry still reads as
    # its "[key] reference" text. The markup belongs to those two packages, not to the book;
    # the references page always has it, and any chapter with its own bibliography would.
    ("aria-deprecated-role", "chapters/references", r'role="doc-biblioentry"'): "bibliography markup",
    ("aria-required-children", "chapters/references", r'class="citation-list"'): "bibliography markup",
    ("aria-deprecated-role", r"chapters/.*", r'role="doc-biblioentry"'): "bibliography markup",
    ("aria-required-children", r"chapters/.*", r'class="citation-list"'): "bibliography markup",
}


# ------------------------------------------------------------------ fixtures
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The built book on http://127.0.0.1:<free port>/."""
    assert (HTML / "index.html").exists(), f"no built book at {HTML}: run `make html` first"
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def chromium(timeout_ms: int) -> Iterator:
    """Debian's Chromium, headless, with a fresh, throw-away profile, through Playwright: the
    browser context (1280 x 900), each call waiting at most ``timeout_ms`` by default. Used
    here and by tests/test_jupyterlab.py. Fails with the command to run when Chromium is missing."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is not at {CHROMIUM}. Run: bash tests/ensure_chromium.sh "
                    "(on Debian as root it installs it; elsewhere it prints the command to run)",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="initreg-chromium-")
    try:
        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900}, service_workers="block")
            ctx.set_default_timeout(timeout_ms)
            try:
                yield ctx
            finally:
                ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def context():
    """A headless Chromium with a fresh, throw-away profile."""
    # Generous: a page carries up to 5 MB of frames, and CI machines can be slow.
    with chromium(timeout_ms=120_000) as ctx:
        yield ctx


class Visit:
    """One page load with everything recorded: requests that failed or left 127.0.0.1,
    console errors and uncaught exceptions."""

    def __init__(self, context, server: str, page_path: str) -> None:
        self.origin = urlsplit(server).netloc
        self.url = urljoin(server, page_path + ".html")
        self.external: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.in_flight: set = set()  # playwright Request objects, started and not yet ended
        self.page = context.new_page()
        self.page.on("request", lambda r: self.in_flight.add(r))
        self.page.on("requestfinished", lambda r: self.in_flight.discard(r))
        self.page.on("requestfailed", lambda r: self.in_flight.discard(r))
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))

    def _local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or (
            parts.scheme == "http" and parts.netloc == self.origin)

    def _route(self, route) -> None:
        url = route.request.url
        if self._local(url):
            route.continue_()
        else:
            self.external.append(url)
            route.abort("blockedbyclient")

    def _failed(self, request) -> None:
        if request.url not in self.external:
            self.failed.append(f"{request.url}: {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url}: HTTP {response.status}")

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(f"console: {msg.text} ({msg.location.get('url', '')})")

    def load(self) -> None:
        self.page.bring_to_front()  # Chromium throttles the timers of a tab in the background
        self.page.goto(self.url, wait_until="load")
        # MathJax typesets after load; wait for it to finish when the page uses it.
        self.page.evaluate("""async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                await MathJax.startup.promise;
            }
            await document.fonts.ready;
        }""")
        self._settle()

    def _settle(self, quiet_ms: int = 500, timeout_s: float = 60.0) -> None:
        """Wait until no request of the page has been in flight for ``quiet_ms`` (what
        Playwright's "networkidle" waits for), and fail naming the requests still in flight
        after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        quiet_since = time.monotonic()
        while True:
            if self.in_flight:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_ms / 1000:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"{self.url}: requests still in flight after {timeout_s:.0f} s: "
                            f"{sorted(r.url for r in self.in_flight)[:10]}", pytrace=False)
            self.page.wait_for_timeout(100)  # lets Playwright deliver the page's events

@pytest.fixture(scope="module")
def visits(context, server) -> Iterator[Callable[[str], Visit]]:
    """Load each page once; the tests below look at it from different sides."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    loaded: dict[str, Visit] = {}

    def visit(page_path: str) -> Visit:
        if page_path in loaded:
            # the tab in front, as a reader's would be: Chromium throttles the timers and
            # animation frames of background tabs, and a click there waits for them
            loaded[page_path].page.bring_to_front()
        else:
            v = Visit(context, server, page_path)
            v.load()
            # the top of the page (a full-page picture of the longest chapters costs seconds)
            v.page.screenshot(path=str(SCREENSHOTS / (page_path.replace("/", "__") + ".png")),
                              animations="disabled")
            loaded[page_path] = v
        return loaded[page_path]

    yield visit
    for v in loaded.values():
        v.page.close()


#: Every page, each in its own xdist group: under `make browser` (pytest-xdist,
#: ``--dist loadgroup``) all the tests of one page run in one worker, which loads it once.
PAGES = [pytest.param(p, marks=pytest.mark.xdist_group(p), id=p) for p in toc_pages()]


# ------------------------------------------------------------------ the tests
@pytest.mark.parametrize("page", PAGES)
def test_offline_and_error_free(visits, page):
    v = visits(page)
    assert not v.external, "requests that left 127.0.0.1:\n" + "\n".join(v.external)
    assert not v.failed, "failed requests:\n" + "\n".join(v.failed)
    assert not v.errors, "console errors:\n" + "\n".join(v.errors)


@pytest.mark.parametrize("page", PAGES)
def test_page_weight(visits, page):
    """The page itself (frames of its interactive figures included) stays under 5 MB; what
    it loads in all (theme, MathJax and its fonts, cached across pages) is recorded."""
    p = visits(page).page
    sizes = p.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource');
        return {html: nav.decodedBodySize, total: nav.decodedBodySize + res.reduce((a, r) => a + r.decodedBodySize, 0),
                files: res.length + 1};
    }""")
    # one record per page (the pages are visited by two workers side by side)
    (SCREENSHOTS / (page.replace("/", "__") + ".weight.tsv")).write_text(
        f"page\thtml_bytes\tloaded_bytes\tfiles\n{page}\t{sizes['html']}\t{sizes['total']}\t{sizes['files']}\n")
    assert sizes["html"] <= PAGE_BUDGET, f"{page}.html is {sizes['html'] / 1e6:.1f} MB (budget 5 MB)"


@pytest.mark.parametrize("page", PAGES)
def test_math_is_typeset_by_the_bundled_mathjax(visits, page):
    p = visits(page).page
    math = p.evaluate("""() => {
        const els = Array.from(document.querySelectorAll('.math'));
        return {n: els.length,
                untypeset: els.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80)),
                containers: document.querySelectorAll('mjx-container').length,
                errors: Array.from(document.querySelectorAll('mjx-merror')).map(e => e.textContent),
                src: Array.from(document.scripts).map(s => s.src).filter(s => /mathjax/i.test(s))};
    }""")
    assert not math["errors"], f"MathJax errors: {math['errors']}"
    if not math["n"]:
        return  # Sphinx loads MathJax only on pages with math
    assert math["src"], "the page has math but loads no MathJax"
    assert all(urlsplit(s).netloc == urlsplit(p.url).netloc for s in math["src"]), math["src"]
    assert not math["untypeset"], f"formulas left as TeX: {math['untypeset']}"
    assert math["containers"] >= math["n"]


@pytest.mark.parametrize("page", PAGES)
def test_images_load_and_have_alt_text(visits, page):
    p = visits(page).page
    images = p.evaluate("""async () => {
        const imgs = Array.from(document.images);
        imgs.forEach(i => { if (i.loading === 'lazy') i.loading = 'eager'; });
        await Promise.all(imgs.map(i => i.decode().catch(() => null)));
        return imgs.map(i => ({src: i.currentSrc.slice(0, 100), w: i.naturalWidth,
                               alt: i.getAttribute('alt')}));
    }""")
    broken = [i["src"] for i in images if i["w"] == 0]
    assert not broken, f"images that did not load: {broken}"
    no_alt = [i["src"] for i in images if not (i["alt"] or "").strip()]
    assert not no_alt, f"images without alt text: {no_alt}"
    # docutils falls back to the image's file name when a figure has no alt text
    file_names = [i["alt"] for i in images if re.search(r"\.(png|jpe?g|svg|gif)$", i["alt"].strip(), re.I)]
    assert not file_names, f"images whose alt text is a file name (give them alt text): {file_names}"


@pytest.mark.parametrize("page", PAGES)
def test_no_inert_widget(visits, page):
    p = visits(page).page
    found = p.evaluate("""() => ({
        state: document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]').length,
        views: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"], .jupyter-widgets, .widget-subarea').length,
        managers: Array.from(document.scripts).map(s => s.src).filter(s => /require\\.js|html-manager|embed-amd|jupyter-widgets/.test(s)),
    })""")
    assert found == {"state": 0, "views": 0, "managers": []}, found


@pytest.mark.parametrize("page", PAGES)
def test_interactive_figures_respond(visits, page):
    p = visits(page).page
    figures = p.locator("figure.initreg-explorable")
    shown = "f => Array.from(f.querySelectorAll('img.ix-frame, .ix-cursor')).map(e => e.getAttribute('src') || e.getAttribute('style'))"
    alts = "f => Array.from(f.querySelectorAll('img.ix-frame')).map(e => e.alt)"
    for f in range(figures.count()):
        fig = figures.nth(f)
        fig.scroll_into_view_if_needed()
        controls = fig.locator("[data-ix]")
        for c in range(controls.count()):
            ctl = controls.nth(c)
            name = ctl.get_attribute("id")
            assert ctl.is_enabled(), f"{name}: the player's script did not run"
            kind = ctl.evaluate("e => e.tagName.toLowerCase()")
            n = (ctl.locator("option").count() if kind == "select"
                 else int(ctl.get_attribute("max")) + 1)
            start = ctl.input_value()
            before, alt_before = fig.evaluate(shown), fig.evaluate(alts)
            changed = False
            for j in range(n):
                if str(j) == start:
                    continue
                if kind == "select":
                    ctl.select_option(str(j))
                else:
                    ctl.fill(str(j))
                if fig.evaluate(shown) != before:
                    assert fig.evaluate(alts) != alt_before, f"{name} = {j}: a new frame, but the same alt text"
                    changed = True
                    break
            assert changed, f"{name}: no setting of this control changes the shown figure"
            # The keyboard works too: Home goes back to the first setting, End to the last.
            ctl.focus()
            if kind == "input":
                p.keyboard.press("End")
                assert ctl.input_value() == str(n - 1), f"{name}: End key"
                out = fig.locator(f"output[for='{name}']")
                assert out.text_content() == ctl.get_attribute("aria-valuetext")
                p.keyboard.press("Home")
                assert ctl.input_value() == "0", f"{name}: Home key"
            else:
                ctl.select_option(start)
        assert fig.evaluate("f => Array.from(f.querySelectorAll('img.ix-frame')).every(i => i.complete && i.naturalWidth > 0)")
    assert not visits(page).errors, visits(page).errors


@pytest.mark.parametrize("page", PAGES)
def test_sliders_have_enough_positions_and_play(visits, page):
    p = visits(page).page
    sliders = p.evaluate("""() => Array.from(document.querySelectorAll('figure.initreg-explorable input[type=range]'))
        .map(s => ({id: s.id, kind: s.dataset.kind, n: parseInt(s.max, 10) + 1}))""")
    few = [s for s in sliders if s["kind"] in ("time", "strength") and s["n"] < 16]
    assert not few, f"time and strength sliders with fewer than 16 positions: {few}"
    for b in range(p.locator("figure.initreg-explorable button.ix-play").count()):
        btn = p.locator("figure.initreg-explorable button.ix-play").nth(b)
        fig = btn.locator("xpath=ancestor::figure[1]")
        slider = fig.locator(f"#{btn.get_attribute('data-for')}")
        btn.scroll_into_view_if_needed()
        slider.fill("0")
        before = fig.evaluate("f => Array.from(f.querySelectorAll('img, .ix-cursor')).map(e => e.getAttribute('src') || e.getAttribute('style')).join('|')")
        btn.click()
        assert btn.get_attribute("aria-pressed") == "true"
        # playing steps the slider on its own within a few seconds
        p.wait_for_function("s => s.value !== '0'", arg=slider.element_handle(), timeout=5_000)
        after = fig.evaluate("f => Array.from(f.querySelectorAll('img, .ix-cursor')).map(e => e.getAttribute('src') || e.getAttribute('style')).join('|')")
        moved = int(slider.input_value())
        btn.click()  # pause
        assert btn.get_attribute("aria-pressed") == "false"
        assert moved >= 1, f"{btn.get_attribute('data-for')}: the play button did not step the slider"
        assert after != before, f"{btn.get_attribute('data-for')}: playing did not change the figure"
        assert slider.get_attribute("aria-valuetext") == fig.locator(f"output[for='{slider.get_attribute('id')}']").text_content()


def _figure_text(p) -> list[dict]:
    """The smallest text of every figure panel as shown: its text size in the frame's pixels
    times the ratio of the shown width to the frame's width, in CSS pixels."""
    return p.evaluate("""() => Array.from(document.querySelectorAll('figure.initreg-explorable img.ix-frame'))
        .map(i => ({alt: i.alt.slice(0, 60), px: parseFloat(i.dataset.textPx) * i.clientWidth / i.naturalWidth}))""")


@pytest.mark.parametrize("page", PAGES)
def test_figures_are_players_with_readable_text(visits, page):
    p = visits(page).page
    loose = p.evaluate("() => Array.from(document.querySelectorAll('.cell_output img'))"
                       ".filter(i => !i.closest('figure.initreg-explorable')).length")
    assert loose == 0, "a figure that is not a player (give it an initreg.explorable figure)"
    small = [f for f in _figure_text(p) if f["px"] < 11]
    assert not small, f"figure text below 11 CSS px at 1280 px: {small}"


@pytest.mark.parametrize("page", PAGES)
def test_a_phone_screen(visits, page):
    """At 390 px: no horizontal overflow, controls inside the screen, figure text at least 9 px.
    The page loaded at 1280 px is narrowed to the phone's width (the layout is redone for it,
    media queries included) and widened again afterwards."""
    p = visits(page).page
    p.set_viewport_size({"width": 390, "height": 844})
    try:
        p.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        found = p.evaluate("""() => ({
            width: window.innerWidth,
            scroll: document.documentElement.scrollWidth,
            controls: Array.from(document.querySelectorAll('figure.initreg-explorable .ix-control'))
                .map(c => c.getBoundingClientRect().right).filter(r => r > 390.5),
        })""")
        assert found["width"] == 390, f"the page did not narrow to 390 px ({found['width']} px)"
        assert found["scroll"] <= 390, f"the page scrolls sideways at 390 px ({found['scroll']} px wide)"
        assert not found["controls"], "figure controls reach past the screen's edge"
        small = [f for f in _figure_text(p) if f["px"] < 9]
        assert not small, f"figure text below 9 CSS px at 390 px: {small}"
        p.evaluate("() => window.scrollTo(0, 0)")
        p.screenshot(path=str(SCREENSHOTS / (page.replace("/", "__") + "-390.png")))
    finally:
        p.set_viewport_size({"width": 1280, "height": 900})


#: Lines of a code cell that are machinery, not content: the checks and the quoted numbers.
MACHINERY = re.compile(r"^(page\.(check|value|claims)\(|glue\(|assert )")


@pytest.mark.parametrize("page", PAGES)
def test_claims_shown_and_machinery_hidden(visits, page):
    p = visits(page).page
    found = p.evaluate("""() => ({
        boxes: Array.from(document.querySelectorAll('details.initreg-claims')).map(d => d.querySelectorAll('li').length),
        values: document.querySelectorAll('span.initreg-value').length,
        text: document.querySelector('main').innerText,
        visible: Array.from(document.querySelectorAll('div.cell')).filter(c => !c.querySelector('details.hide'))
                      .map(c => (c.querySelector('.cell_input pre') || {}).innerText || ''),
    })""")
    assert "{eval}" not in found["text"] and "{glue" not in found["text"], "a prose number shown as role syntax"
    for code in found["visible"]:
        lines = [l.strip() for l in code.splitlines() if l.strip() and not l.strip().startswith("#")]
        starts = [l for l in lines if MACHINERY.match(l)]
        assert not lines or len(starts) / len(lines) < 0.5, f"a visible cell that is mostly checks and glue:\n{code[:300]}"
    if is_notebook(page):
        assert found["boxes"], "this chapter shows no box of checked claims"
        assert min(found["boxes"]) >= 1
        assert found["values"] > 0, "no computed number in the prose"
        box = p.locator("details.initreg-claims").first
        box.scroll_into_view_if_needed()
        box.locator("summary").click()
        assert box.locator("li").first.is_visible(), "the box of claims does not open"
        box.locator("summary").click()


@pytest.mark.parametrize("page", PAGES)
def test_launch_buttons(visits, page):
    p = visits(page).page
    url = repository()[0]
    hrefs = p.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    assert url in hrefs, "no repository button"
    assert any(h.startswith(f"{url}/issues/new?") for h in hrefs), "no issue button"
    if is_notebook(page):
        assert expected_binder_url(page) in hrefs, "no Binder button for this chapter"
        assert p.locator("button.btn-launch-thebe").count() == 1, "no Live Code button"
        download = p.locator("a.btn-download-source-button").get_attribute("href")
        assert download.endswith(f"{Path(page).name}.ipynb")
        status = p.evaluate("async (u) => (await fetch(u)).status", download)
        assert status == 200


def test_live_code_loads_thebe_only_when_pressed(context, server):
    """Thebe's script comes from a CDN, and only once the reader asks for live code."""
    notebooks = [pg for pg in toc_pages() if is_notebook(pg)]
    assert notebooks, "the book has no chapter notebook"
    v = Visit(context, server, notebooks[0])
    v.load()
    assert not v.external
    v.page.evaluate("() => document.querySelector('button.btn-launch-thebe').click()")
    v.page.wait_for_timeout(500)
    assert v.external and all("thebe" in u for u in v.external), v.external
    v.page.close()


@pytest.mark.parametrize("page", PAGES)
def test_accessibility_wcag2_aa(visits, page):
    from axe_playwright_python.sync_playwright import Axe

    p = visits(page).page
    result = Axe().run(p, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    problems, used = [], set()
    for violation in result.response["violations"]:
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            allowed = [k for k in AXE_ALLOWLIST
                       if k[0] == violation["id"] and re.fullmatch(k[1], page)
                       and re.search(k[2], target + " " + node["html"])]
            if allowed:
                used.update(allowed)
            else:
                problems.append(f"{violation['id']} ({violation['impact']}): {target}: "
                                f"{violation['help']}\n    {node['html'][:200]}")
    assert not problems, f"{len(problems)} WCAG 2 A/AA violations:\n" + "\n".join(problems)
    stale = [k for k in AXE_ALLOWLIST if k[1] == page and k not in used]
    assert not stale, f"allowlist entries that match nothing any more (remove them): {stale}"

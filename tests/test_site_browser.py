"""The website as a reader sees it (issue 9), checked in Debian's Chromium.

The built site (_build/html, made by `make book`, which `make test` runs first) is served on
127.0.0.1 and every page of _toc.yml is visited: it loads without console errors or
requests that leave the machine, its images load and have alt text, its math is rendered by
MathJax, its headings are in order, every internal link resolves (anchors included), axe-core
finds no serious or critical accessibility violation, and it does not scroll sideways in a
phone-sized window. Exercise pages show the student version, not run, with a download link.
Screenshots go to test-artifacts/site/.

The site is complete by itself: it ships MathJax (in _static/mathjax/) and every other file
its pages load. The browser may reach the loopback server (or the built folder, for pages
opened as file://) and nothing else: any other request is blocked and fails the test that
made it. The built HTML is also checked for scripts, styles and images from elsewhere, and a
page with math is opened straight from _build/html as file://.

REGCOURSE_BOOK_ROOT points the tests at another book root (a folder with _toc.yml,
_config.yml and _build/html), e.g. a scratch copy; it defaults to the repository.
"""
from __future__ import annotations

import html
import html.parser
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import yaml

from browser import ROOT, artifact, chromium, node_module_file, serve

pytestmark = pytest.mark.slow  # needs the built book and a browser

BOOK_ROOT = Path(os.environ.get("REGCOURSE_BOOK_ROOT", ROOT)).resolve()
SITE = BOOK_ROOT / "_build" / "html"
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 360, "height": 740}  # a small phone


def toc_docnames(toc_file: Path) -> list[str]:
    """Every document of a Jupyter Book _toc.yml, in reading order (root first)."""
    toc = yaml.safe_load(toc_file.read_text())
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "glob" in node:
                raise NotImplementedError("glob entries in _toc.yml: list the files instead")
            if "file" in node:
                found.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []):
                    walk(child)

    walk(toc)
    return [re.sub(r"\.(md|ipynb)$", "", name) for name in found]


def config() -> dict:
    return yaml.safe_load((BOOK_ROOT / "_config.yml").read_text()) or {}


PAGES = toc_docnames(BOOK_ROOT / "_toc.yml")
EXERCISES = [name for name in PAGES if name.startswith("exercises/")]


@dataclass
class PageReport:
    """What one visit of a page found."""
    url: str
    status: int | None = None
    errors: list[str] = field(default_factory=list)      # console errors, page errors, failed loads
    external: list[str] = field(default_factory=list)    # requests that would leave the machine
    facts: dict = field(default_factory=dict)            # from the page's DOM
    axe: list[dict] = field(default_factory=list)        # serious and critical violations
    narrow: dict = field(default_factory=dict)


class Site:
    """The served site and one browser; each page is visited once, on first use.

    The browser may load from the server (base) and from the built folder (for file:// pages)
    only; every other request is aborted and recorded in the current page's report."""

    def __init__(self, base: str, context):
        self.base, self.context = base, context
        self.local = (base, SITE.as_uri() + "/")
        self.reports: dict[str, PageReport] = {}
        self._current = PageReport(base)  # the page whose requests the router records
        self.axe_js = node_module_file("axe-core/axe.min.js")
        context.route("**/*", self._route)

    def url(self, docname: str) -> str:
        return urllib.parse.urljoin(self.base, docname + ".html")

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.local):
            return route.continue_()
        self._current.external.append(url)
        return route.abort()

    def visit(self, docname: str) -> PageReport:
        if docname not in self.reports:
            self.reports[docname] = self._visit(self.url(docname))
        return self.reports[docname]

    def open(self, url: str, report: PageReport):
        """A new tab on url, with its errors recorded in report, after the math is typeset."""
        self._current = report
        page = self.context.new_page()
        page.on("console", lambda msg: msg.type == "error" and report.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: report.errors.append(f"uncaught: {exc}"))
        page.on("requestfailed", lambda req: req.url.startswith(self.local)
                and report.errors.append(f"failed to load {req.url}: {req.failure}"))
        page.on("response", lambda resp: resp.status >= 400
                and report.errors.append(f"HTTP {resp.status} for {resp.url}"))
        response = page.goto(url, wait_until="load")
        report.status = response.status if response else None
        if page.locator("meta[http-equiv=refresh i]").count():  # a redirect, such as index.html
            page.wait_for_url(lambda now: now != url, wait_until="load")
        # MathJax is a deferred script: by "load" it ran, unless it could not be loaded.
        page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise.then(() => true) : null")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        return page

    def _visit(self, url: str) -> PageReport:
        report = PageReport(url)
        page = self.open(url, report)
        try:
            report.facts = page.evaluate(FACTS_JS)
            page.add_script_tag(path=str(self.axe_js))
            report.axe = page.evaluate(AXE_JS)
            page.set_viewport_size(NARROW)
            report.narrow = page.evaluate(
                "() => ({scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth})")
        finally:
            page.close()
        return report


# Everything a test asks of a page's DOM, in one round trip.
FACTS_JS = r"""() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const visible = el => el.checkVisibility ? el.checkVisibility() : !!el.offsetParent;
  const rawMath = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {acceptNode: n =>
      n.parentElement.closest('pre, code, script, style, textarea, mjx-container')
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  while (walker.nextNode()) {
    const text = walker.currentNode.nodeValue;
    if (/\$\$|\\\(|\\\[|\\begin\{|\$[^$\s][^$]*\\[A-Za-z]+/.test(text)) rawMath.push(text.trim().slice(0, 100));
  }
  return {
    title: document.title,
    headings: [...article.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(visible)
      .map(h => [Number(h.tagName[1]), h.textContent.replace(/#$/, '').trim()]),
    images: [...document.images].map(img => ({src: img.currentSrc || img.src, alt: img.getAttribute('alt'),
      inArticle: article.contains(img), loaded: img.complete && img.naturalWidth > 0})),
    figures: [...article.querySelectorAll('figure')].map(f => ({
      number: (f.querySelector('figcaption .caption-number') || {}).textContent || '',
      caption: ((f.querySelector('figcaption') || {}).textContent || '').trim()})),
    mathElements: article.querySelectorAll('.math').length,
    mathUnrendered: [...article.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container'))
      .map(m => m.textContent.trim().slice(0, 80)),
    mathErrors: [...article.querySelectorAll('mjx-merror')].map(e => e.textContent.slice(0, 80)),
    mathFonts: [...document.fonts].filter(f => f.family.startsWith('MJX')).map(f => [f.family, f.status]),
    rawMath: rawMath,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    outputs: article.querySelectorAll('.cell_output').length,
    text: article.innerText,
    downloads: [...article.querySelectorAll('a.exercise-download')].map(a => a.href),
  };
}"""

AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + '  ' + n.html.slice(0, 160))}));
}"""


@pytest.fixture(scope="module")
def site():
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no built website in {SITE}: run `make book` first (`make test` does)")
    with serve(SITE) as base, chromium(viewport=DESKTOP) as context:
        yield Site(base, context)


# --- every page of the table of contents -------------------------------------------------

def test_table_of_contents_is_found():
    assert len(PAGES) >= 3 and PAGES[0], PAGES
    missing = [name for name in PAGES if not (SITE / f"{name}.html").is_file()]
    assert not missing, f"pages of _toc.yml that the build did not make: {missing}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_loads_without_errors(site, docname):
    report = site.visit(docname)
    assert report.status == 200, f"{report.url} answered {report.status}"
    assert not report.errors, "\n".join(report.errors)
    assert not report.external, f"requests that would leave the machine: {report.external}"


@pytest.mark.parametrize("docname", PAGES)
def test_images_load_and_say_what_they_show(site, docname):
    facts = site.visit(docname).facts
    broken = [img["src"] for img in facts["images"] if not img["loaded"]]
    assert not broken, f"images that did not load: {broken}"
    for img in facts["images"]:
        if img["inArticle"]:
            alt = (img["alt"] or "").strip()
            assert alt and not re.search(r"(_images/|\.(png|jpe?g|svg|gif)$)", alt), (
                f"image {img['src']} has no alt text (alt={img['alt']!r}): give the figure cell "
                'mystnb {"image": {"alt": "..."}} metadata')
    for figure in facts["figures"]:
        assert re.match(r"Fig\. \d", figure["number"]), f"figure without a number: {figure['caption']!r}"
        assert len(figure["caption"]) > len(figure["number"]) + 3, f"figure without a caption: {figure}"


@pytest.mark.parametrize("docname", PAGES)
def test_math_is_rendered(site, docname):
    facts = site.visit(docname).facts
    assert not facts["mathUnrendered"], f"math that MathJax did not typeset: {facts['mathUnrendered'][:5]}"
    assert not facts["mathErrors"], f"MathJax errors (unknown macro?): {facts['mathErrors'][:5]}"
    assert not facts["rawMath"], f"TeX shown as text, not rendered: {facts['rawMath'][:5]}"
    if facts["mathElements"]:
        assert_math_fonts_loaded(facts["mathFonts"])


def assert_math_fonts_loaded(fonts: list) -> None:
    """MathJax's web fonts (from the site's own copy) loaded, or its math is drawn in fallbacks."""
    failed = [family for family, status in fonts if status == "error"]
    assert not failed, f"MathJax fonts that did not load: {failed}"
    assert any(status == "loaded" for _, status in fonts), f"no MathJax font loaded: {fonts}"


@pytest.mark.parametrize("docname", PAGES)
def test_headings_are_in_order(site, docname):
    headings = site.visit(docname).facts["headings"]
    assert headings and headings[0][0] == 1, f"the page must start with one h1 title: {headings[:3]}"
    assert [level for level, _ in headings].count(1) == 1, f"more than one h1: {headings}"
    for (before, _), (level, text) in zip(headings, headings[1:]):
        assert level <= before + 1, f"heading {text!r} is h{level} right after an h{before}: a level is skipped"


@pytest.mark.parametrize("docname", PAGES)
def test_internal_links_resolve(site, docname):
    report = site.visit(docname)
    broken = []
    for link in sorted(set(report.facts["links"])):
        if not link.startswith(site.base):
            continue
        target, _, anchor = link.partition("#")
        status, ids = fetch(target)
        if status != 200:
            broken.append(f"{link} -> HTTP {status}")
        elif anchor and urllib.parse.unquote(anchor) not in ids:
            broken.append(f"{link} -> no element with id {anchor!r}")
    assert not broken, "broken links:\n" + "\n".join(broken)


@pytest.mark.parametrize("docname", PAGES)
def test_no_serious_accessibility_violations(site, docname):
    violations = site.visit(docname).axe
    assert not violations, "axe-core:\n" + json.dumps(violations, indent=1)


@pytest.mark.parametrize("docname", PAGES)
def test_readable_in_a_narrow_window(site, docname):
    narrow = site.visit(docname).narrow
    assert narrow["scrollWidth"] <= narrow["width"] + 1, (
        f"at {narrow['width']} px wide the page is {narrow['scrollWidth']} px wide: it scrolls sideways")


# --- exercise pages ------------------------------------------------------------------------

@pytest.mark.parametrize("docname", EXERCISES)
def test_exercise_page_shows_the_student_version_with_a_download(site, docname):
    facts = site.visit(docname).facts
    assert facts["outputs"] == 0, "the exercise page shows outputs: exercises must not be executed by the build"
    assert "NotImplementedError" in facts["text"], "the page does not show the student's stubs"
    for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert secret not in facts["text"], f"the page shows {secret!r}: is it the source, not the release?"
    assert "JupyterLab" in facts["text"] and "make lab" in facts["text"], "no word on opening it in JupyterLab"
    assert len(facts["downloads"]) == 1, f"expected one download link, found {facts['downloads']}"
    status, body = fetch_bytes(facts["downloads"][0])
    assert status == 200, f"download link {facts['downloads'][0]} answered {status}"
    served, ours = json.loads(body), json.loads((BOOK_ROOT / f"{docname}.ipynb").read_text())
    assert cells(served) == cells(ours), "the downloaded notebook is not the student version in exercises/"
    assert not any(c.get("outputs") for c in served["cells"]), "the downloaded notebook has outputs"


def cells(notebook: dict) -> list:
    return [(c["cell_type"], "".join(c["source"])) for c in notebook["cells"]]


# --- site-wide features --------------------------------------------------------------------

def test_pages_load_nothing_from_elsewhere():
    """No built page or stylesheet names a script, style, font or image on another host
    (links that the reader clicks may point anywhere)."""
    remote = re.compile(r"^(https?:)?//", re.I)
    found = []
    for page in sorted(SITE.rglob("*.html")):
        parser = _Resources()
        parser.feed(page.read_text(errors="replace"))
        found += [f"{page.relative_to(SITE)}: {url}" for url in parser.urls if remote.match(url)]
    for sheet in sorted(SITE.rglob("*.css")):
        urls = re.findall(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", sheet.read_text(errors="replace"))
        found += [f"{sheet.relative_to(SITE)}: {url}" for url in urls if remote.match(url)]
    assert not found, "resources from elsewhere:\n" + "\n".join(found[:20])


def test_a_page_opened_as_a_file_renders_its_math(site):
    """The site works without a server too: a page with math opened from _build/html as file://."""
    docname = next(d for d in PAGES if 'class="math' in (SITE / f"{d}.html").read_text())
    report = PageReport((SITE / f"{docname}.html").as_uri())
    page = site.open(report.url, report)
    try:
        facts = page.evaluate(FACTS_JS)
        page.screenshot(path=str(artifact("site/opened-as-file.png")))
    finally:
        page.close()
    assert not report.external, f"requests that would leave the machine: {report.external}"
    assert not report.errors, "\n".join(report.errors)
    assert facts["mathElements"] and not facts["mathUnrendered"], f"math not typeset: {facts['mathUnrendered'][:5]}"
    assert not facts["rawMath"], f"TeX shown as text, not rendered: {facts['rawMath'][:5]}"
    assert_math_fonts_loaded(facts["mathFonts"])


# What a reader's action makes MathJax load later, and one file of the release that it needs.
MATHJAX_ON_DEMAND = [
    ("a TeX extension (autoloaded)", "MathJax.tex2chtmlPromise('\\\\cancel{x}')", "input/tex/extensions/cancel.js"),
    ("the menu's explorer, with speech", "MathJax.startup.document.menu.setExplorer(true)", "sre/mathmaps/en.json"),
    ("the menu's collapsible math", "MathJax.startup.document.menu.setCollapsible(true)", "a11y/complexity.js"),
    ("the menu's SVG renderer", "MathJax.startup.document.menu.setRenderer('SVG')", "output/svg/fonts/tex.js"),
]


def test_mathjax_loads_what_readers_ask_for_from_the_site(site):
    """MathJax loads some of its parts when first needed: they too come from the site."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    docname = next(d for d in PAGES if site.visit(d).facts["mathElements"])
    report = PageReport(site.url(docname))
    page = site.open(report.url, report)
    try:
        for what, action, needs in MATHJAX_ON_DEMAND:
            page.evaluate(f"() => {{ {action}; }}")
            try:
                page.wait_for_function(
                    "file => performance.getEntriesByType('resource').some(e => e.name.endsWith('/_static/mathjax/' + file))",
                    arg=needs, timeout=60_000)
            except PlaywrightTimeout:
                pytest.fail(f"{what}: MathJax did not load _static/mathjax/{needs}; {report.external or report.errors}")
        page.wait_for_function("() => document.querySelector('article mjx-container svg')", timeout=60_000)
        page.screenshot(path=str(artifact("site/mathjax-svg-explorer.png")))
        merrors = page.evaluate("() => document.querySelectorAll('mjx-merror').length")
    finally:
        page.close()
    assert not report.external, f"MathJax tried to load from elsewhere: {report.external}"
    assert not report.errors, "\n".join(report.errors)
    assert merrors == 0


def test_search_finds_pages(site):
    report = PageReport(site.base + "search.html?q=overfitting")
    page = site.open(report.url, report)
    try:
        page.wait_for_function("() => document.querySelectorAll('#search-results ul.search li').length > 0",
                               timeout=60_000)
        hits = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
    finally:
        page.close()
    assert not report.errors, report.errors
    assert not report.external, f"requests that would leave the machine: {report.external}"
    assert any(hit.split("#")[0].split("?")[0] in {site.url(d) for d in PAGES} for hit in hits), hits


def test_glossary_defines_the_key_terms(site):
    glossaries = [d for d in PAGES if re.search(r'<dl class="[^"]*\bglossary\b', (SITE / f"{d}.html").read_text())]
    assert glossaries, "no page of the table of contents has a glossary"
    page_html = (SITE / f"{glossaries[0]}.html").read_text()
    terms = re.findall(r'<dt id="term-([^"]+)"', page_html)
    assert len(terms) >= 20, f"only {len(terms)} glossary terms: {terms}"
    index = (SITE / "genindex.html").read_text()
    assert all(f"#term-{term}" in index for term in terms), "glossary terms missing from the index"


def test_bibliography_lists_the_cited_sources():
    bibliographies = [d for d in PAGES if 'class="citation' in (SITE / f"{d}.html").read_text()]
    assert bibliographies, "no page of the table of contents has a bibliography"
    entries = re.findall(r'<div class="citation" id="', (SITE / f"{bibliographies[0]}.html").read_text())
    assert len(entries) >= 5, f"only {len(entries)} entries in the bibliography"


def test_repository_and_launch_buttons_follow_the_config(site):
    cfg = config()
    repository = ((cfg.get("repository") or {}).get("url") or "").strip()
    hub = ((cfg.get("launch_buttons") or {}).get("jupyterhub_url") or "").strip().rstrip("/")
    notebook_pages = [d for d in PAGES if (BOOK_ROOT / f"{d}.ipynb").is_file()]
    for docname in [PAGES[0], *notebook_pages[:1]]:
        links = site.visit(docname).facts["links"]
        assert not any("executablebooks/jupyter-book" in link for link in links), (
            "a link points to Jupyter Book's own repository: set repository.url in _config.yml")
        if repository and (cfg.get("html") or {}).get("use_repository_button"):
            assert repository in links or repository + "/" in links, f"no link to {repository} on {docname}"
        launches = [link for link in links if "/hub/user-redirect/git-pull" in link]
        if hub and docname in notebook_pages:
            assert any(link.startswith(hub) for link in launches), f"no launch button for {hub} on {docname}"
        else:
            assert not launches, f"launch buttons without a JupyterHub URL in _config.yml: {launches}"


def test_screenshots(site):
    """Landing page and a chapter, wide and narrow, kept in test-artifacts/site/ for people."""
    chapter = next(d for d in PAGES[1:] if d.startswith("book/"))
    shots = [("landing", site.base, True), ("chapter", site.url(chapter), False)]
    if EXERCISES:
        shots.append(("exercise", site.url(EXERCISES[0]), False))
    for name, url, full_page in shots:
        for size_name, size in (("", DESKTOP), ("-narrow", NARROW)):
            report = PageReport(url)
            page = site.open(url, report)
            try:
                page.set_viewport_size(size)
                page.wait_for_timeout(300)  # let the layout settle after the resize
                path = artifact(f"site/{name}{size_name}.png")
                page.screenshot(path=str(path), full_page=full_page and not size_name)
            finally:
                page.close()
            assert path.stat().st_size > 10_000, f"{path} looks empty"
            assert not report.errors, report.errors
            assert not report.external, f"requests that would leave the machine: {report.external}"


# --- launch buttons as an instructor would set them (a small scratch build, no browser) ----

def _scratch_book(tmp_path: Path, hub: str, repository: str) -> Path:
    book = tmp_path / "book"
    exercise = EXERCISES[0] if EXERCISES else pytest.fail("no exercise page in _toc.yml")
    (book / exercise).parent.mkdir(parents=True)
    (book / f"{exercise}.ipynb").write_bytes((BOOK_ROOT / f"{exercise}.ipynb").read_bytes())
    for name in ("references.bib", "_ext", "node_modules"):
        if (BOOK_ROOT / name).exists():
            (book / name).symlink_to(BOOK_ROOT / name)
    cfg = config()
    cfg.setdefault("launch_buttons", {})["jupyterhub_url"] = hub
    cfg["repository"] = {**(cfg.get("repository") or {}), "url": repository, "branch": "main"}
    (book / "_config.yml").write_text(yaml.safe_dump(cfg))
    (book / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": exercise}))
    return book


def _build(book: Path) -> subprocess.CompletedProcess:
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    return subprocess.run([str(jupyter_book), "build", str(book), "--keep-going"],
                          capture_output=True, text=True, timeout=600)


def test_launch_button_opens_the_exercise_on_the_instructors_jupyterhub(tmp_path):
    book = _scratch_book(tmp_path, "https://hub.example.edu", "https://github.com/example/regcourse")
    result = _build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    exercise = EXERCISES[0]
    page = (book / "_build" / "html" / f"{exercise}.html").read_text()
    launches = [html.unescape(href) for href in re.findall(r'href="(https://hub\.example\.edu[^"]*)"', page)]
    expected = ("https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A//github.com/example/regcourse"
                f"&urlpath=lab/tree/regcourse/{exercise}.ipynb&branch=main")
    assert expected in launches, launches


def test_launch_button_without_a_repository_stops_the_build_with_a_clear_message():
    """Jupyter Book would point the buttons at its own repository (or crash): our extension says why."""
    from sphinx.errors import ConfigError
    course_site = course_site_extension()
    for repository in ("", "https://github.com/executablebooks/jupyter-book"):
        fake = type("Config", (), {"html_context": {}, "html_static_path": [], "html_theme_options": {
            "launch_buttons": {"jupyterhub_url": "https://hub.example.edu"}, "repository_url": repository}})()
        with pytest.raises(ConfigError, match="no repository.url"):
            course_site._config_inited(None, fake)
    fine = type("Config", (), {"html_context": {}, "html_static_path": [], "html_theme_options": {
        "launch_buttons": {"jupyterhub_url": ""}, "repository_url": ""}})()
    course_site._config_inited(None, fine)
    assert fine.html_context["default_mode"] == "auto"


def test_a_build_without_mathjax_stops_at_once_and_says_how_to_get_it(tmp_path):
    """The site must ship MathJax: no node_modules, no website (before any notebook runs)."""
    from sphinx.errors import ExtensionError
    fake = type("App", (), {"srcdir": tmp_path, "builder": type("Builder", (), {"format": "html"})()})()
    with pytest.raises(ExtensionError, match=r"node_modules/mathjax lacks .*run `npm ci`"):
        course_site_extension()._check_mathjax(fake)


def course_site_extension():
    """The book's Sphinx extension (_ext/course_site), imported."""
    sys.path.insert(0, str(BOOK_ROOT / "_ext"))
    try:
        import course_site
    finally:
        sys.path.remove(str(BOOK_ROOT / "_ext"))
    return course_site


# --- helpers -----------------------------------------------------------------------------

class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)


class _Resources(html.parser.HTMLParser):
    """The URLs of what a browser loads with a page (not of links the reader may follow)."""
    ATTRIBUTES = {"script": ["src"], "img": ["src", "srcset"], "iframe": ["src"], "source": ["src", "srcset"],
                  "video": ["src", "poster"], "audio": ["src"], "embed": ["src"], "object": ["data"],
                  "input": ["src"], "track": ["src"]}
    LOADED_LINKS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "manifest", "preconnect"}

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        names = self.ATTRIBUTES.get(tag, [])
        if tag == "link" and self.LOADED_LINKS & set((attrs.get("rel") or "").lower().split()):
            names = ["href"]
        for name in names:
            value = (attrs.get(name) or "").strip()
            candidates = value.split(",") if name == "srcset" else [value]
            self.urls += [candidate.split()[0] for candidate in candidates if candidate.strip()]


@cache
def fetch_bytes(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


@cache
def fetch(url: str) -> tuple[int, frozenset]:
    """Status of a page on the loopback server and the ids it defines (for #anchors)."""
    status, body = fetch_bytes(url)
    parser = _Ids()
    if status == 200 and urllib.parse.urlparse(url).path.endswith((".html", "/")):
        parser.feed(body.decode("utf-8", "replace"))
    return status, frozenset(parser.ids)

"""The built website (`make book`, run before the tests with warnings as errors) is complete:
every page of the table of contents, executed and timed, every figure with alt text,
exercise pages shown unexecuted."""
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow  # needs the built book (make book)

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"


def toc_files() -> list[str]:
    """Every file named in _toc.yml, in order."""
    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                yield node["file"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)
    return list(walk(yaml.safe_load((ROOT / "_toc.yml").read_text())))


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


@pytest.fixture(scope="module", autouse=True)
def built():
    assert (HTML / "index.html").exists(), "run `make book` first (make test does)"


@pytest.mark.parametrize("page", toc_files())
def test_every_page_is_built(page):
    assert (HTML / f"{page}.html").exists()


@pytest.mark.parametrize("page", [p for p in toc_files() if p.startswith("book/")])
def test_every_image_has_alt_text(page):
    parser = Images()
    parser.feed((HTML / f"{page}.html").read_text())
    content = [img for img in parser.images if "_images/" in img.get("src", "")]
    assert all(img.get("alt", "").strip() for img in content), [img.get("src") for img in content if not img.get("alt")]


def test_the_build_reports_every_book_notebooks_execution_time():
    """Their time is a figure to read (_build/execution-times.txt), not a test that fails on a slow machine."""
    lines = (ROOT / "_build" / "execution-times.txt").read_text().splitlines()
    timed = {line.split("s  ", 1)[1] for line in lines}
    assert {p for p in toc_files() if (ROOT / f"{p}.ipynb").exists() and p.startswith("book/")} <= timed


def test_only_the_books_own_notebooks_are_built():
    """Sphinx also reads hidden folders (a venv in .venv/ holds notebooks of its packages) and
    the graders' working folders under autograder/: none of them may become a page or run."""
    from jupyter_cache import get_cache

    records = get_cache(str(ROOT / "_build" / ".jupyter_cache")).list_cache_records()
    executed = {Path(r.uri).relative_to(ROOT).with_suffix("").as_posix() for r in records}
    assert executed <= set(toc_files()), sorted(executed - set(toc_files()))
    pages = {p.relative_to(HTML).parts[0] for p in HTML.rglob("*.html")}
    assert not pages & {".venv", "venv", "autograder", "tests", "node_modules"}, pages


@pytest.mark.parametrize("page", [p for p in toc_files() if p.startswith("exercises/")])
def test_exercise_pages_show_the_unexecuted_student_version(page):
    html = (HTML / f"{page}.html").read_text()
    assert "not implemented yet" in html
    assert not re.search(r'class="cell_output', html), "an exercise notebook was executed"
    assert "BEGIN SOLUTION" not in html and "HIDDEN TESTS" not in html


@pytest.mark.parametrize("page", [p for p in toc_files() if p.startswith("book/") and (ROOT / f"{p}.ipynb").exists()])
def test_book_notebooks_show_no_errors(page):
    html = (HTML / f"{page}.html").read_text()
    assert "Traceback" not in html and "output stderr" not in html


CHAPTERS = [p for p in toc_files() if re.match(r"book/0[1-6]_", p)]


@pytest.mark.parametrize("page", [p for p in CHAPTERS if (ROOT / f"{p}.ipynb").exists()])
def test_claims_are_backed_by_executed_output(page):
    """Issue 17: a result the prose states is computed, asserted or glued on the page itself; no
    "in our trials" that the reader cannot see."""
    text = (ROOT / f"{page}.ipynb").read_text()
    assert "our trials" not in text and "in trials" not in text
    html = (HTML / f"{page}.html").read_text()
    assert "in our trials" not in html


def test_glued_values_are_rendered():
    """A {glue:text} role whose key is missing is a build warning; a rendered page shows values, not roles."""
    for page in CHAPTERS:
        html = (HTML / f"{page}.html").read_text()
        assert "{glue" not in html and "glue:text" not in html, page


def test_notation_has_one_meaning_per_symbol():
    """The decided conventions of issue 17: noise sd sigma_epsilon, eigenvalues kappa_j, mixup weight rho ~ Beta(a, a),
    prior variance tau^2, transformations phi ~ Phi, a feature map's Q positions; the retired symbols do not come
    back in the chapters, the glossary or the notation page."""
    notation = (ROOT / "book" / "notation.md").read_text()
    for row in [r"$\sigma_\varepsilon$", r"$\kappa_j$", r"$\rho$, $a$", r"$\tau^2$", r"$\phi$, $\Phi$", r"$Q$"]:
        assert row in notation, row
    texts = {name: (ROOT / "book" / name).read_text() for name in ["notation.md", "glossary.md"]}
    for page in CHAPTERS:
        if (ROOT / f"{page}.ipynb").exists():
            cells = json.loads((ROOT / f"{page}.ipynb").read_text())["cells"]
            texts[page] = "\n".join(["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
                                    + [json.dumps(c["metadata"].get("mystnb", {})).replace("\\\\", "\\") for c in cells])
    retired = [r"s^2", r"s_i", r"\mathcal N(0, s", r"\rho\lVert", r"(\alpha, \alpha)", r"\lambda'", r"\mathcal{T}", r"N H W"]
    for name, text in texts.items():
        math = " ".join(re.findall(r"\$\$.+?\$\$|\$[^$]+\$", text, flags=re.S))
        found = [symbol for symbol in retired if symbol in math]
        assert not found, (name, found)


def test_dropout_chapter_links_to_the_variance_shift_section():
    html = (HTML / "book" / "03_dropout" / "dropout_keras.html").read_text()
    assert 'href="../05_normalization/dropout_and_bn.html' in html
    assert "dropout_and_bn" in toc_files()[toc_files().index("book/05_normalization/layer_norm") + 1]

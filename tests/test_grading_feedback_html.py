"""Feedback pages run nothing the student wrote: a submission whose markdown holds scripts
and event handlers, and whose code displays HTML, JavaScript, markdown and SVG, is graded
by the real pipeline; its page holds none of that as active HTML, and Chromium opening it
runs none of it. The course's own text is left as it is."""
import html.parser

import nbformat
import pytest

from autograder import collect, feedback, grade, synthetic
from autograder.course import ROOT, Course
from autograder.notebooks import is_solution
from browser import chromium

pytestmark = pytest.mark.slow  # grades a submission, opens the page in a browser

ASSIGNMENT = "ch01_overfitting"
# each payload sets a window property named pwned_<where> when it runs
MARKDOWN = """## My notes <script>window.pwned_md_script=1</script>

<img src="missing.png" onerror="window.pwned_md_onerror=1">

<svg onload="window.pwned_md_svg=1"></svg>

<details open ontoggle="window.pwned_md_ontoggle=1"><summary>more</summary>text</details>

<iframe srcdoc="<script>parent.pwned_md_iframe=1</script>"></iframe>

<a href="javascript:window.pwned_md_link=1">a link</a>, [a markdown link](javascript:window.pwned_md_mdlink=1)
"""
OUTPUTS = """
from IPython.display import HTML, SVG, Javascript, Markdown, display
display(HTML('<img src="missing.png" onerror="window.pwned_out_onerror=1"><script>window.pwned_out_script=1</script>'))
display(Javascript('window.pwned_out_javascript=1'))
display(Markdown('<img src="missing.png" onerror="window.pwned_out_markdown=1">'))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="window.pwned_out_svg=1"></svg>'))
display({"text/html": "<script>window.pwned_out_isolated=1</script>"}, raw=True, metadata={"text/html": {"isolated": True}})
"""


def scripted_submission(course):
    """Our solutions, with the payloads in a markdown cell of the student's, in one that
    claims to be a locked cell of the course, in a raw HTML cell and in displayed outputs."""
    nb = synthetic.with_code(synthetic.correct(course, ASSIGNMENT), OUTPUTS)
    first = next(i for i, c in enumerate(nb.cells) if is_solution(c))
    forged = nbformat.v4.new_markdown_cell(MARKDOWN.replace("pwned_md_", "pwned_forged_"))
    forged.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True, "grade_id": "forged",
                                   "schema_version": 3}
    raw = nbformat.v4.new_raw_cell("<script>window.pwned_raw_script=1</script>",
                                   metadata={"raw_mimetype": "text/html"})
    nb.cells[first + 1:first + 1] = [nbformat.v4.new_markdown_cell(MARKDOWN), forged, raw]
    return nb


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The feedback page of the graded scripted submission."""
    base = tmp_path_factory.mktemp("feedback-html")
    course = synthetic.make_course(Course(ROOT), base / "course", [ASSIGNMENT], max_tests=1)
    name = course.notebooks(ASSIGNMENT)[0]
    synthetic.write_submission(base / "inbox" / "mallory" / ASSIGNMENT, {f"{name}.ipynb": scripted_submission(course)})
    collect.from_folder(course, base / "inbox")
    assert grade.grade(course, grade.Options(workers=1, quiet=True)) == 0
    return course.feedback / "mallory" / ASSIGNMENT / f"{name}.html"


class ActiveParts(html.parser.HTMLParser):
    """What in an HTML page can run: script elements, event handler attributes, javascript:
    URLs, iframe documents."""

    def __init__(self):
        super().__init__()
        self.found, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name == "srcdoc" or value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.found.append(f"<script>{data}</script>")


def test_the_page_holds_no_active_student_html(page):
    text = page.read_text()
    parser = ActiveParts()
    parser.feed(text)
    assert [part for part in parser.found if "pwned" in part] == []
    # the student's markdown is still shown, as text; their notebook was graded as usual
    shown = feedback.html_text(text)
    assert "My notes" in shown and "<script>window.pwned_md_script=1</script>" in shown
    assert "(Score: 2.0 / 2.0)" in shown


def test_chromium_opening_the_page_runs_no_student_script(page):
    with chromium() as context:
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                      else route.abort())  # nothing from the network (MathJax's CDN)
        browser_page = context.new_page()
        dialogs = []
        browser_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        browser_page.goto(page.as_uri(), wait_until="load")
        browser_page.wait_for_timeout(1000)  # handlers of failed images and toggles fire after load
        ran = [name for frame in browser_page.frames
               for name in frame.evaluate("Object.keys(window).filter(k => k.startsWith('pwned_'))")]
        assert (ran, dialogs) == ([], [])
        assert browser_page.locator("h2", has_text="My notes").count() == 2  # still rendered: the student's, the forged


def test_only_what_the_student_could_write_is_sanitized():
    """Locked markdown cells hold the course's text (nbgrader restored it from the
    gradebook): a `<` in their code spans and math must stay as written."""
    course_text = "Stop when `wait >= patience` and $\\alpha < 1$, <b>bold</b>."
    locked = nbformat.v4.new_markdown_cell(course_text)
    locked.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True, "grade_id": "intro"}
    answer = nbformat.v4.new_markdown_cell(course_text + "<script>alert(1)</script>")
    answer.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False, "grade_id": "answer",
                                   "points": 1}
    added = nbformat.v4.new_markdown_cell('<img src="x" onerror="alert(1)">')
    nb = nbformat.v4.new_notebook(cells=[locked, answer, added])
    nb, _ = feedback.SanitizeStudentHTML()(nb, {})  # as nbgrader's exporter calls it
    assert nb.cells[0].source == course_text
    assert nb.cells[1].source == ('<div class="student-markdown"><p>Stop when <code>wait &gt;= patience</code> and '
                                  "$\\alpha &lt; 1$, <b>bold</b>.&lt;script&gt;alert(1)&lt;/script&gt;</p>&#10;</div>\n")
    assert nb.cells[2].source == '<div class="student-markdown"><img src="x">&#10;&#10;</div>\n'

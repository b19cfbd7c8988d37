"""Feedback HTML that does not give the hidden tests away.

`nbgrader generate_feedback` renders the autograded notebook, hidden tests included
(nbgrader #917, #1363): their source in every test cell. Here nbgrader's generate_feedback
runs with nbgrader's own `ClearHiddenTests` (the one `generate_assignment` uses), which
removes every `### BEGIN HIDDEN TESTS` ... `### END HIDDEN TESTS` region from the cells.
A graded cell's outputs come from the checker (checker.py), never from a kernel that ran
the tests: the message the checks wrote for the student and the frames of the student's
own code, nothing of the tests.

`hidden_lines_in(html, source_notebook)` then checks the result: the job deletes feedback
in which any hidden test line can still be found, and reports it.

`SanitizeStudentHTML` makes sure that opening a feedback page runs nothing the student
wrote. nbgrader's feedback template renders markdown cells itself, ignoring nbconvert's
`HTMLExporter.sanitize_html`, and nbconvert's markdown renderer lets `javascript:` links
through, so the notebook is sanitized before rendering: the markdown cells the student
could write (every one but the locked cells, whose source nbgrader restored from the
gradebook) are rendered to HTML here, cleaned with bleach (no scripts, event handlers or
`javascript:` URLs; what is not allowed shows as text) and put back as one HTML block that
the template's markdown renderer passes through unchanged. The outputs of every code cell
(student code controls the kernel, in test cells too) go through nbconvert's
`SanitizeHTML`: HTML and markdown (rendered first, as HTML) cleaned the same way;
JavaScript, SVG, widgets and other active outputs removed; raw cells cleaned too.

What the grader noticed about a submission (restored cells, a cell stopped at its time
limit, a renamed notebook) is added to the top of each page (`with_notes`); a submission
with no notebook to grade gets a page that says why (`page_without_notebook`).
"""
from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import bleach
import nbformat
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbgrader.preprocessors import ClearHiddenTests, GetGrades
from nbgrader.utils import is_locked
from traitlets import Bool, default

from .result import Issue, IssueKind, JobResult, Status

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"


class SanitizeStudentHTML(SanitizeHTML):
    """nbconvert's SanitizeHTML for what the student wrote (see the module's docstring),
    keeping the formatting markdown and tables (a DataFrame's) need."""

    enabled = Bool(True)  # nbgrader registers preprocessors as they are; nbconvert's is off by default

    @default("tags")
    def _tags_default(self):
        return [*bleach.ALLOWED_TAGS, "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "pre",
                "sub", "sup", "del", "table", "thead", "tbody", "tr", "th", "td", "img"]

    @default("attributes")
    def _attributes_default(self):
        return {**bleach.ALLOWED_ATTRIBUTES, "img": ["src", "alt", "width", "height"],
                "th": ["colspan", "rowspan"], "td": ["colspan", "rowspan"], "*": ["class"]}

    def preprocess_cell(self, cell, resources, cell_index):
        """Every code cell's outputs and the student's markdown and raw cells, cleaned."""
        if cell.cell_type == "code":
            for output in cell.outputs:
                data = output.get("data", {})
                if "text/markdown" in data:  # as HTML: its links are then checked like any HTML's
                    data.setdefault("text/html", markdown2html_mistune(data.pop("text/markdown")))
        elif is_locked(cell):
            return cell, resources  # the course's text, restored by nbgrader from the gradebook
        elif cell.cell_type == "markdown":
            cell.source = self.html_block(markdown2html_mistune(cell.source))
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)

    def html_block(self, html: str) -> str:
        """Cleaned HTML as markdown that renders to exactly that HTML: one line (newlines
        as character references) in a div, which markdown passes through as an HTML block."""
        return '<div class="student-markdown">' + self.sanitize_html_tags(html).replace("\n", "&#10;") + "</div>\n"


PREPROCESSORS = [GetGrades, ClearHiddenTests, SanitizeStudentHTML, CSSHTMLHeaderPreprocessor]


def _lines(nb, hidden: bool) -> list[str]:
    """The stripped lines inside (hidden=True) or outside the hidden test regions."""
    found = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if BEGIN in line:
                inside = True
            elif END in line:
                inside = False
            elif inside == hidden:
                found.append(line.strip())
    return found


def hidden_lines(source_notebook, visible: list[str] = ()) -> list[str]:
    """Lines of the hidden test regions of an nbgrader source notebook that a student could
    not know: not blank, at least 12 characters, and not part of any line of the notebook
    outside the hidden regions (a public test, the setup cell) or of the `visible` texts
    (the student's own cells: what they wrote may coincide with a hidden line)."""
    nb = nbformat.read(source_notebook, as_version=4) if not hasattr(source_notebook, "cells") else source_notebook
    known = [*_lines(nb, hidden=False)] + [line for text in visible for line in text.splitlines()]
    known_text = "\n".join(" ".join(line.split()) for line in known)
    return [line for line in _lines(nb, hidden=True)
            if len(line) >= 12 and " ".join(line.split()) not in known_text]


def html_text(html: str) -> str:
    """The text of an HTML page with tags removed and whitespace collapsed."""
    text = re.sub(r"<[^>]+>", "", html)
    return " ".join(html_lib.unescape(text).split())


def hidden_lines_in(html: str, source_notebook, visible: list[str] = ()) -> list[str]:
    """The hidden test lines (see hidden_lines) that appear in the HTML's text."""
    text = html_text(html)
    return [line for line in hidden_lines(source_notebook, visible) if " ".join(line.split()) in text]


def _notes_block(notes: list[str], heading: str, level: int) -> str:
    items = "\n".join(f"<li>{html_lib.escape(note)}</li>" for note in notes)
    return (f'<div class="grader-notes" role="note" style="border-left: 4px solid #d2413a; padding: 0.5em 1em; '
            f'margin: 1em 0;">\n<h{level}>{html_lib.escape(heading)}</h{level}>\n<ul>\n{items}\n</ul>\n</div>\n')


def with_notes(page: str, notes: list[str]) -> str:
    """nbgrader's feedback page with the grader's notes above the notebook."""
    if not notes:
        return page
    block = _notes_block(notes, "Notes from the grader", level=4)  # under the page's h4 heading
    anchor = page.find('<div class="panel-body">')
    if anchor < 0:
        body = re.search(r"<body[^>]*>", page)
        anchor = body.end() if body else 0
    return page[:anchor] + block + page[anchor:]


def page_without_notebook(assignment: str, notebook: str, max_score: float, notes: list[str]) -> str:
    """The feedback page of a notebook that could not be graded: 0 points and why."""
    title = html_lib.escape(f"{assignment}: {notebook}")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            '<style>body { font-family: sans-serif; max-width: 50em; margin: 2em auto; padding: 0 1em; }</style>\n'
            '</head>\n'
            f'<body>\n<main>\n<h1>{title} (Score: 0.0 / {max_score:.1f})</h1>\n'
            f"<p>{html_lib.escape(notebook)}.ipynb could not be graded, so it gets no points.</p>\n"
            + _notes_block(notes or ["no notebook was graded"], "Why", level=2)
            + "<p>If this is not what you submitted, ask your instructor: the files you sent are kept.</p>\n"
            "</main>\n</body>\n</html>\n")


# ---- a job's pages ----------------------------------------------------------------------

def generate(api, work: Path, log: Path, result: JobResult) -> None:
    """nbgrader's generate_feedback in the job's course, with the grader's notes on each page;
    a page that still shows a hidden test line is deleted and reported."""
    student, assignment = result.student, result.assignment
    made = api.generate_feedback(assignment, student, force=True)
    with open(log, "a") as f:
        f.write(made.get("log", "") + "\n" + (made.get("error") or "") + "\n")
    if not made["success"]:
        result.issues.append(Issue(IssueKind.FEEDBACK_ERROR, "nbgrader generate_feedback failed (see job.log)"))
    notes = result.notes_for_students()
    for html in (work / "feedback" / student / assignment).glob("*.html"):
        page = with_notes(html.read_text(), notes)
        submitted = work / "submitted" / student / assignment / f"{html.stem}.ipynb"
        theirs = [c.source for c in nbformat.read(submitted, as_version=4).cells] if submitted.exists() else []
        source = work / "source" / assignment / f"{html.stem}.ipynb"
        leaked = hidden_lines_in(page, source, theirs) if source.exists() else []
        if leaked:
            html.unlink()
            result.issues.append(Issue(IssueKind.FEEDBACK_WITHHELD,
                                       f"{html.name} withheld: it showed hidden test lines ({leaked[0]!r})"))
        else:
            html.write_text(page)


def pages_for_ungraded(folder: Path, release: Path, result: JobResult) -> None:
    """A page that says why, for every notebook of the release that has none (not graded)."""
    for notebook in sorted(p.stem for p in release.glob("*.ipynb")):
        page = folder / f"{notebook}.html"
        if (notebook in result.graded_notebooks and result.status == Status.GRADED) or page.exists():
            continue  # graded: nbgrader's page (or none, when withheld)
        max_score = sum(t.max_score for t in result.tasks.values() if t.notebook == notebook)
        folder.mkdir(parents=True, exist_ok=True)
        page.write_text(page_without_notebook(result.assignment, notebook, max_score, result.notes_for_students()))

"""`python -m autograder.grade` on a class of bad submissions, all graded in one run.

The course is a temporary copy with ch01_overfitting cut after its second graded test
(two NumPy tasks, 2 + 2 points), so each notebook takes a few seconds; the limits are
small so the timeouts happen quickly. Every kind of bad submission the grader must handle
is one student; each test asserts that student's score and the reason reported. The same
graded class then serves the CSV, feedback, malicious-submission and re-run tests.
"""
import csv
import hashlib
import json
import os
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from autograder import collect, export, feedback, grade, sandbox, summary, synthetic
from autograder.course import ROOT, Course
from autograder.result import Issue, IssueKind, JobResult

pytestmark = pytest.mark.slow  # grades a class through the pipeline

ASSIGNMENT = "ch01_overfitting"
LIMITS = grade.Limits(cell_timeout=6, notebook_timeout=25, memory_mb=768, output_bytes=200_000)
ISOLATED, WHY = sandbox.isolation_available()
SECRET = "REGCOURSE_TEST_SECRET"


def tree_digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def hidden_only_mistake(good):
    """ch01: polynomial_features without the check of a negative degree, which only the
    hidden tests try."""
    nb = synthetic.with_code(good, "", where="append")
    cell = synthetic.solution_cells(nb)[0]
    cell.source = cell.source.replace("if degree < 0:", "if False:")
    assert "if False:" in cell.source
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("grading")
    course = synthetic.make_course(Course(ROOT), base / "course", [ASSIGNMENT], max_tests=2)
    name = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    kinds = synthetic.bad_kinds(course, ASSIGNMENT, slow=(4, 8))
    good = kinds["correct"][name]
    outside = base / "outside.txt"
    targets = {"gradebook": str(course.gradebook_file), "hidden tests": str(course.solutions / ASSIGNMENT / name),
               "other student": str(course.submitted / "correct" / ASSIGNMENT / name),
               "own job gradebook": str(course.jobs / ASSIGNMENT / "malicious" / "course" / "gradebook.db"),
               "template gradebook": str(course.jobs / "_templates" / ASSIGNMENT / "gradebook.db"),
               "outside": str(outside)}
    kinds["malicious"] = {name: synthetic.malicious(synthetic.wrong_first(good), targets)}
    kinds["hidden_only"] = {name: hidden_only_mistake(good)}
    inbox = base / "inbox"
    for kind, files in kinds.items():
        synthetic.write_submission(inbox / kind / ASSIGNMENT, files)
    collect.from_folder(course, inbox)
    before = {folder: tree_digest(course.root / folder) for folder in ("solutions", "exercises")}
    before["submitted"] = tree_digest(course.submitted)
    os.environ[SECRET] = "do-not-leak"
    try:
        code = grade.grade(course, grade.Options(workers=2, limits=LIMITS, quiet=True))
    finally:
        del os.environ[SECRET]
    results = {r.student: r for r in summary.results(course, [ASSIGNMENT])}
    return SimpleNamespace(course=course, code=code, results=results, before=before, outside=outside,
                           targets=targets, kinds=kinds, name=name)


def issues(result, kind):
    return [i.message for i in result.issues if i.kind.value == kind]


def lost(result, grade_id):
    return next((f.message for f in result.failures if f.grade_id == grade_id), "")


FIRST, SECOND = "test_polynomial_features", "test_fit_least_squares"

# student: (score out of 4, where the reason is: an issue kind or a failed test, a fragment of it)
EXPECTED = {
    "correct": (4, None, None),
    "partly_wrong": (2, FIRST, "returned None"),
    "stub_left": (2, FIRST, "NotImplementedError"),
    "hidden_only": (2, FIRST, "degree=-1"),
    "syntax_error": (2, "solution_error", "SyntaxError"),
    "exception": (4, "solution_error", "RuntimeError: a bug at the top level"),
    "kernel_exit": (2, "kernel_died", "exited with status 3"),
    "kernel_crash": (2, "kernel_died", "SIGSEGV"),
    "memory_hog": (2, FIRST, "MemoryError"),
    "huge_output": (4, "output_truncated", "output beyond the limit was cut"),
    "deleted_test": (4, "deleted_cells", FIRST),
    "deleted_setup": (4, "deleted_cells", "setup"),
    "edited_test": (2, "edited_cells", FIRST),
    "moved_test": (4, "moved_cells", "release's order"),
    "changed_points": (4, "changed_metadata", "'points': 100"),
    "ungraded_test": (4, "changed_metadata", "'grade': False"),
    "other_kernel": (4, "kernelspec", "'ir'"),
    "no_cells": (0, "deleted_cells", "no cells"),
    "invalid_json": (0, "invalid_notebook", "not valid JSON"),
    "empty_file": (0, "invalid_notebook", "empty"),
    "missing": (0, "missing_notebook", "no overfitting.ipynb"),
    "misnamed": (4, "misnamed_notebook", "'overfitting (1).ipynb'"),
    "extra_files": (2, "extra_files", "regcourse/checks.py"),
    "endless": (2, "timeout", f"limit of {LIMITS.cell_timeout} s"),
    "endless_no_interrupt": (2, "timeout", "did not stop when interrupted"),
    "slow": (0, "not_run", f"time limit of {LIMITS.notebook_timeout} s"),
    "malicious": (2, FIRST, "returned None"),
}


def test_every_kind_is_in_the_class(graded):
    assert set(graded.results) == set(EXPECTED)
    assert graded.code == 0, "every submission was graded (none failed in nbgrader)"


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_score_and_reason(graded, student):
    score, where, fragment = EXPECTED[student]
    result = graded.results[student]
    assert result.status == "graded"
    assert result.max_score == 4
    assert result.score == score, (result.issues, result.failures)
    if where is None:
        assert not result.needs_attention() and not result.failures
    elif where.startswith("test_"):
        assert fragment in lost(result, where), result.failures
    else:
        messages = issues(result, where)
        assert any(fragment in m for m in messages), result.issues


def test_points_lost_are_explained(graded):
    for student, result in graded.results.items():
        for failure in result.failures:
            assert failure.message and failure.message != "no error output", (student, failure)


def test_gradebook_holds_every_score(graded):
    from nbgrader.api import Gradebook
    with Gradebook(graded.course.db_url) as gb:
        for student, (score, _, _) in EXPECTED.items():
            assert gb.find_submission(ASSIGNMENT, student).score == score, student
            assert gb.find_assignment(ASSIGNMENT).max_score == 4  # "points": 100 did not stick


# ---- a malicious submission ---------------------------------------------------------------

def _malicious_report(graded):
    path = graded.course.autograded / "malicious" / ASSIGNMENT / graded.name
    nb = nbformat.read(path, as_version=4)
    cell = synthetic.solution_cells(nb)[0]
    text = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
    return json.loads(text.strip().splitlines()[-1])


@pytest.mark.skipif(not ISOLATED, reason=f"student code cannot be isolated here: {WHY}")
def test_malicious_submission_changes_nothing_outside_its_scratch_space(graded):
    report = _malicious_report(graded)
    for name, path in graded.targets.items():
        assert report.get(path) != "written", name
        assert report.get("sqlite " + path) != "written", name
    assert not any(key.startswith("killed") for key in report)
    after = {folder: tree_digest(graded.course.root / folder) for folder in ("solutions", "exercises")}
    after["submitted"] = tree_digest(graded.course.submitted)
    assert after == graded.before
    assert b"PWNED" not in graded.course.gradebook_file.read_bytes()
    assert not graded.outside.exists()
    # even its own writes stayed in the sandbox's private copy
    assert not (graded.course.autograded / "malicious" / ASSIGNMENT / "written_by_student.txt").exists()


@pytest.mark.skipif(not ISOLATED, reason=f"student code cannot be isolated here: {WHY}")
def test_malicious_submission_cannot_raise_any_grade(graded):
    from nbgrader.api import Gradebook
    with Gradebook(graded.course.db_url) as gb:
        for student in EXPECTED:
            submission = gb.find_submission(ASSIGNMENT, student)
            assert all(g.auto_score is None or g.auto_score <= g.max_score for nb in submission.notebooks
                       for g in nb.grades), student
    assert graded.results["malicious"].score == 2


def test_student_code_sees_none_of_the_graders_environment(graded):
    assert SECRET not in _malicious_report(graded)["environment"]


# ---- feedback --------------------------------------------------------------------------------

def feedback_text(graded, student):
    page = graded.course.feedback / student / ASSIGNMENT / graded.name.replace(".ipynb", ".html")
    return feedback.html_text(page.read_text())


def test_every_student_gets_feedback_without_hidden_tests(graded):
    source = graded.course.solutions / ASSIGNMENT / graded.name
    assert feedback.hidden_lines(source), "the assignment has hidden tests to look for"
    pages = sorted(graded.course.feedback.rglob("*.html"))
    assert sorted(p.parent.parent.name for p in pages) == sorted(EXPECTED)
    for page in pages:
        assert feedback.hidden_lines_in(page.read_text(), source) == [], page


@pytest.mark.parametrize("student", ["invalid_json", "empty_file", "missing"])
def test_a_submission_without_a_notebook_gets_a_page_that_says_why(graded, student):
    _, _, fragment = EXPECTED[student]
    text = feedback_text(graded, student)
    assert "(Score: 0.0 / 4.0)" in text and fragment in text


def test_feedback_shows_what_the_grader_noticed(graded):
    for student in ("edited_test", "endless", "misnamed", "changed_points"):
        text = feedback_text(graded, student)
        assert "Notes from the grader" in text, student
        for message in graded.results[student].notes_for_students():
            assert " ".join(message.split()) in text, (student, message)
    assert "Notes from the grader" not in feedback_text(graded, "correct")
    assert "Notes from the grader" not in feedback_text(graded, "partly_wrong")  # its test says why


def test_notes_are_plain_text_and_never_quote_hidden_tests():
    issues = [Issue(IssueKind.SOLUTION_ERROR, "cell #3 raised <script>alert(1)</script>"),
              Issue(IssueKind.FEEDBACK_WITHHELD, "x.html withheld: it showed hidden test lines ('assert 1')")]
    notes = JobResult("s", "a", "f", issues=issues).notes_for_students()
    assert notes == [issues[0].message]
    page = feedback.with_notes('<html><body><div class="panel-body">nb</div></body></html>', notes)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.index("Notes from the grader") < page.index('<div class="panel-body">')
    assert "withheld" not in feedback.page_without_notebook("a", "nb", 2, notes)


def test_feedback_explains_a_failed_hidden_test_without_showing_it(graded):
    page = (graded.course.feedback / "hidden_only" / ASSIGNMENT / graded.name.replace(".ipynb", ".html")).read_text()
    text = feedback.html_text(page)
    assert "degree=-1" in text and "ValueError" in text  # the check's message for students
    assert "BEGIN HIDDEN TESTS" not in text


def test_the_hidden_test_check_can_fail(graded):
    """Rendering the instructor's autograded notebook as plain nbconvert HTML shows the
    hidden tests: the check must find them there."""
    from nbconvert import HTMLExporter
    nb = graded.course.autograded / "hidden_only" / ASSIGNMENT / graded.name
    html, _ = HTMLExporter().from_filename(str(nb))
    assert feedback.hidden_lines_in(html, graded.course.solutions / ASSIGNMENT / graded.name)


# ---- the CSV -----------------------------------------------------------------------------------

def test_csv_has_one_row_per_student_and_assignment(graded):
    from nbgrader.api import Gradebook
    with Gradebook(graded.course.db_url) as gb:
        gb.update_or_create_student("correct", first_name="Ann, Jr.", last_name='O"Neil')
        gb.add_student("absent")
    path = export.write_csv(graded.course, graded.course.reports / "grades.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["student_id"] for r in rows) == sorted([*EXPECTED, "absent"])
    by_id = {r["student_id"]: r for r in rows}
    assert by_id["correct"]["first_name"] == "Ann, Jr." and by_id["correct"]["last_name"] == 'O"Neil'
    assert by_id["absent"]["status"] == "no submission" and by_id["absent"]["score"] == "0"
    for student, (score, _, _) in EXPECTED.items():
        row = by_id[student]
        assert float(row["score"]) == score and row["max_score"] == "4" and row["status"] == "graded"
        tasks = float(row[f"{ASSIGNMENT}:{FIRST}"]) + float(row[f"{ASSIGNMENT}:{SECOND}"])
        assert tasks == score
    assert "missing_notebook" in by_id["missing"]["attention"]
    assert "returned None" in by_id["partly_wrong"]["lost_points"]


def test_summary_lists_every_submission_that_needs_attention(graded):
    text = (graded.course.reports / "summary.txt").read_text()
    assert f"{ASSIGNMENT}  " in text
    for student, (_, where, _) in EXPECTED.items():
        if where and not where.startswith("test_") and where != "solution_error":
            assert f"  {student} / {ASSIGNMENT}" in text, student


# ---- running again -----------------------------------------------------------------------------

def _stamps(course):
    return {p.parent.name: p.stat().st_mtime_ns for p in (course.jobs / ASSIGNMENT).glob("*/result.json")}


def test_rerun_grades_nothing_and_changes_nothing(graded):
    before_stamps = _stamps(graded.course)
    before_scores = {s: r.score for s, r in graded.results.items()}
    code = grade.grade(graded.course, grade.Options(workers=2, limits=LIMITS, quiet=True))
    assert code == 0
    assert _stamps(graded.course) == before_stamps
    from nbgrader.api import Gradebook
    with Gradebook(graded.course.db_url) as gb:
        assert {s: gb.find_submission(ASSIGNMENT, s).score for s in before_scores} == before_scores


def test_rerun_grades_only_what_changed(graded):
    before = _stamps(graded.course)
    fixed = graded.course.submitted / "partly_wrong" / ASSIGNMENT / graded.name
    nbformat.write(graded.kinds["correct"][graded.name], fixed)
    code = grade.grade(graded.course, grade.Options(workers=2, limits=LIMITS, quiet=True))
    after = _stamps(graded.course)
    assert code == 0
    assert {s for s in after if after[s] != before[s]} == {"partly_wrong"}
    from nbgrader.api import Gradebook
    with Gradebook(graded.course.db_url) as gb:
        assert gb.find_submission(ASSIGNMENT, "partly_wrong").score == 4


# ---- progress ------------------------------------------------------------------------------

def test_progress_shows_each_finished_job_and_an_eta():
    import io
    stream = io.StringIO()
    progress = grade.Progress(total=4, stream=stream)
    assert "ETA --" in progress.line(running=2)
    result = JobResult("ann", ASSIGNMENT, "f", score=2, max_score=4,
                       issues=[Issue(IssueKind.TIMEOUT, "overfitting: cell x: too slow")])
    progress.finished(result, running=2)
    assert stream.getvalue().startswith(f"[1/4] ann {ASSIGNMENT}: graded, 2/4 (needs attention: timeout); ETA ")
    bar = progress.line(running=2)
    assert "[#######" in bar and "1/4 (2 running)" in bar and "ETA 0m" in bar

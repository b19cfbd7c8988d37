"""An interrupted grading run resumes: nothing finished is graded again, nothing is lost,
and nothing of the killed run keeps running."""
import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import collect, export, feedback, grade, jobs, pool, synthetic
from autograder.course import ROOT, Course
from autograder.result import JobResult

pytestmark = pytest.mark.slow  # grades through the pipeline

ASSIGNMENT = "ch01_overfitting"
STUDENTS = ["s1", "s2", "s3", "s4"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    base = tmp_path_factory.mktemp("resume")
    course = synthetic.make_course(Course(ROOT), base / "course", [ASSIGNMENT], max_tests=1)
    name = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    good = synthetic.correct(course, ASSIGNMENT)
    for index, student in enumerate(STUDENTS):
        nb = good if index % 2 == 0 else synthetic.wrong_first(good)
        synthetic.write_submission(base / "inbox" / student / ASSIGNMENT, {name: nb})
    collect.from_folder(course, base / "inbox")
    return course


def _finished(course):
    return {p.parent.name: p.stat().st_mtime_ns for p in (course.jobs / ASSIGNMENT).glob("*/merged.json")}


def _processes_mentioning(text):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
            environ_path = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if text in cmdline or text in environ_path:
            found.append((int(pid), cmdline))
    return found


def test_a_killed_run_resumes_where_it_stopped(course):
    run = subprocess.Popen([sys.executable, "-m", "autograder.grade", "--course", str(course.root), "--workers", "1",
                            "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while not _finished(course) and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.5)
    assert run.poll() is None, "the run ended before it could be interrupted"
    run.send_signal(signal.SIGKILL)  # the harshest interruption: no clean-up at all
    run.wait()
    first = _finished(course)
    assert 1 <= len(first) < len(STUDENTS)

    time.sleep(3)  # the killed run's workers and kernels notice and end
    assert _processes_mentioning(str(course.jobs)) == []

    code = grade.grade(course, grade.Options(workers=2, quiet=True))
    assert code == 0
    second = _finished(course)
    assert set(second) == set(STUDENTS)
    assert {s: second[s] for s in first} == first, "what the killed run finished was not graded again"
    from nbgrader.api import Gradebook
    with Gradebook(course.db_url) as gb:
        scores = {s: gb.find_submission(ASSIGNMENT, s).score for s in STUDENTS}
    assert scores == {"s1": 2, "s2": 0, "s3": 2, "s4": 0}
    header, rows = export.rows(course)
    assert sorted(r["student_id"] for r in rows) == STUDENTS


def test_forced_run_grades_everything_again(course):
    before = _finished(course)
    assert grade.grade(course, grade.Options(workers=2, quiet=True, force=True)) == 0
    after = _finished(course)
    assert all(after[s] != before[s] for s in STUDENTS)
    results = [JobResult.load(course.jobs / ASSIGNMENT / s / "result.json") for s in STUDENTS]
    assert [r.score for r in results] == [2, 0, 2, 0]


def test_a_score_entered_by_hand_survives_grading_again(course):
    """An instructor's correction in the formgrader (manual_score) is kept when the
    submission is graded again; the cell is flagged for review, as nbgrader does."""
    from nbgrader.api import Gradebook
    with Gradebook(course.db_url) as gb:
        (cell,) = gb.find_submission(ASSIGNMENT, "s2").notebooks[0].grades
        assert cell.score == 0
        cell.manual_score = 1.5
        gb.db.commit()
    assert grade.grade(course, grade.Options(workers=1, quiet=True, force=True, students=["s2"])) == 0
    with Gradebook(course.db_url) as gb:
        (cell,) = gb.find_submission(ASSIGNMENT, "s2").notebooks[0].grades
        assert (cell.auto_score, cell.manual_score, cell.score) == (0, 1.5, 1.5)
        assert cell.needs_manual_grade
    header, rows = export.rows(course)
    assert next(r for r in rows if r["student_id"] == "s2")["score"] == "1.5"


def _pages(course):
    """{path: content} of every autograded notebook and feedback page of the course."""
    return {str(p.relative_to(course.work)): p.read_bytes()
            for folder in (course.autograded, course.feedback) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_lost_gradebook_is_filled_again(course):
    """Jobs that are up to date but whose grades are not in the gradebook (it was deleted
    or replaced) are merged again: no grade goes missing, and the students' pages (feedback
    and autograded notebooks, whose scratch copies were removed after the first merge) stay."""
    assert grade.grade(course, grade.Options(workers=2, quiet=True)) == 0
    before = _pages(course)
    notebook = course.notebooks(ASSIGNMENT)[0]
    for student in STUDENTS:
        assert f"autograded/{student}/{ASSIGNMENT}/{notebook}.ipynb" in before
        assert f"feedback/{student}/{ASSIGNMENT}/{notebook}.html" in before
    course.gradebook_file.unlink()
    assert grade.grade(course, grade.Options(workers=2, quiet=True)) == 0
    from nbgrader.api import Gradebook
    with Gradebook(course.db_url) as gb:
        assert [gb.find_submission(ASSIGNMENT, s).score for s in STUDENTS] == [2, 0, 2, 0]
    assert _pages(course) == before
    for student, score in zip(STUDENTS, [2, 0, 2, 0]):
        page = feedback.html_text((course.feedback / student / ASSIGNMENT / f"{notebook}.html").read_text())
        assert f"Score: {score:.1f} / 2.0" in page


def test_a_job_graded_on_another_machine_is_merged_without_grading_again(course, tmp_path, monkeypatch):
    """--prepare-only writes the job folders and lists them; a copy of the jobs folder,
    moved anywhere, grades one with `python -m autograder.job` while the course itself is
    away; its result copied back is merged by the next run, which grades nothing."""
    name = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    synthetic.write_submission(tmp_path / "inbox" / "remote" / ASSIGNMENT, {name: synthetic.correct(course, ASSIGNMENT)})
    collect.from_folder(course, tmp_path / "inbox")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert grade.grade(course, grade.Options(quiet=True, prepare_only=True, students=["remote"])) == 0
    folder = course.jobs / ASSIGNMENT / "remote"
    assert out.getvalue().split() == [str(folder)]
    assert not (folder / "result.json").exists()

    elsewhere = tmp_path / "other-machine" / "jobs"
    for part in (Path("_templates") / ASSIGNMENT, Path(ASSIGNMENT) / "remote"):
        shutil.copytree(course.jobs / part, elsewhere / part)
    away = course.root.with_name(course.root.name + "-away")
    course.root.rename(away)
    try:
        ran = subprocess.run([sys.executable, "-m", "autograder.job", str(elsewhere / ASSIGNMENT / "remote")],
                             cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    finally:
        away.rename(course.root)
    assert ran.returncode == 0, ran.stderr[-2000:]
    for part in ("result.json", "course"):
        source = elsewhere / ASSIGNMENT / "remote" / part
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, folder / part)

    def no_grading(jobs, *args):
        assert jobs == [], "a job with a result was graded again"
        return True
    monkeypatch.setattr(grade, "run_jobs", no_grading)
    assert grade.grade(course, grade.Options(quiet=True, students=["remote"])) == 0
    from nbgrader.api import Gradebook
    with Gradebook(course.db_url) as gb:
        assert gb.find_submission(ASSIGNMENT, "remote").score == 2
    assert (course.feedback / "remote" / ASSIGNMENT / name.replace(".ipynb", ".html")).exists()


def test_a_job_whose_process_dies_still_gets_a_row(course, monkeypatch):
    """A job process that crashes (here: nbgrader cannot be run at all) is recorded as an
    error with 0 points and flagged for manual grading, not dropped."""
    spec_path = course.jobs / ASSIGNMENT / "s1" / "job.json"
    monkeypatch.setattr(jobs, "GRADER_VERSION", "broken")  # new fingerprints: everything runs again
    from autograder import job as job_module
    original = job_module.run

    def crash(jobdir, zygote=None):
        if "s1" in str(jobdir):
            os._exit(9)
        return original(jobdir, zygote)
    monkeypatch.setattr(job_module, "run", crash)
    # the workers are forked from a server that imported the module before the patch, so
    # run the jobs in this process's children instead: grade with the fork start method
    monkeypatch.setattr(pool, "_context", lambda: __import__("multiprocessing").get_context("fork"))
    code = grade.grade(course, grade.Options(workers=2, quiet=True, students=["s1", "s2"]))
    assert code == 1
    result = JobResult.load(course.jobs / ASSIGNMENT / "s1" / "result.json")
    assert result.status == "error" and result.score == 0
    assert "the grading process ended with status 9" in result.issues[0].message
    from nbgrader.api import Gradebook
    with Gradebook(course.db_url) as gb:
        submission = gb.find_submission(ASSIGNMENT, "s1")
        assert submission.score == 0 and submission.needs_manual_grade
    assert spec_path.exists()
    header, rows = export.rows(course)
    row = next(r for r in rows if r["student_id"] == "s1")
    assert (row["status"], row["score"], row["needs_manual_grade"]) == ("error", "0", "yes")
    assert "ended with status 9" in row["attention"]
    page = course.feedback / "s1" / ASSIGNMENT / f"{course.notebooks(ASSIGNMENT)[0]}.html"
    assert "the grading process ended with status 9" in feedback.html_text(page.read_text())

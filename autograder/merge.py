"""The single writer: puts finished jobs into the real gradebook and course folders.

sqlite is not safe for concurrent writers, so jobs never touch the real gradebook; the
grader process calls `merge` for each finished job, one at a time, through nbgrader's
gradebook API:

* the assignment's definition (notebooks, graded cells, source cells with checksums) is
  copied from the grading template when it is missing or changed (`sync_assignment`);
* the student is created if unknown, the submission (timestamp, late penalty) updated,
  every graded cell gets the job's autograder score; a score an instructor entered by hand
  (`manual_score`) is never overwritten, and the cell is then marked for review, as
  nbgrader itself does;
* a job that failed still gets its submission, with 0 and `needs_manual_grade`, so the
  formgrader lists it and no grade is silently missing;
* the autograded notebooks and the feedback HTML are copied to the course's
  autograded/ and feedback/ folders, replacing older ones; a job merged again (the
  gradebook was lost) whose scratch copy was removed after its first merge keeps the
  pages that first merge delivered.
"""
from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from .course import Course
from .result import JobResult

SA_WARNING = ".*not in session, add operation along.*"  # nbgrader's API with SQLAlchemy 2, harmless
warnings.filterwarnings("ignore", message=SA_WARNING)


def sync_assignment(gb: Gradebook, template_db: Path, assignment: str) -> None:
    """Make the real gradebook know the assignment exactly as the template does."""
    with Gradebook(f"sqlite:///{template_db}") as tb:
        source = tb.find_assignment(assignment)
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            gb.add_assignment(assignment)
        for nb in source.notebooks:
            gb.update_or_create_notebook(nb.name, assignment, kernelspec=nb.kernelspec)
            for cell in nb.grade_cells:
                gb.update_or_create_grade_cell(cell.name, nb.name, assignment, max_score=cell.max_score,
                                               cell_type=cell.cell_type)
            for cell in nb.solution_cells:
                gb.update_or_create_solution_cell(cell.name, nb.name, assignment)
            for cell in nb.task_cells:
                gb.update_or_create_task_cell(cell.name, nb.name, assignment, max_score=cell.max_score,
                                              cell_type=cell.cell_type)
            for cell in nb.source_cells:
                gb.update_or_create_source_cell(cell.name, nb.name, assignment, cell_type=cell.cell_type,
                                                locked=cell.locked, source=cell.source, checksum=cell.checksum)


def duedate(gb: Gradebook, assignment: str) -> str | None:
    try:
        due = gb.find_assignment(assignment).duedate
    except MissingEntry:
        return None
    return due.isoformat() if due else None


def merge(course: Course, gb: Gradebook, jobdir: Path, result: JobResult) -> None:
    """Write one job's result into the open real gradebook and the course folders."""
    student, assignment = result.student, result.assignment
    gb.update_or_create_student(student)
    kwargs = {}
    if result.timestamp:
        kwargs["timestamp"] = result.timestamp
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=SA_WARNING)
        submission = gb.update_or_create_submission(assignment, student, **kwargs)
    for nb in submission.notebooks:
        nb.late_submission_penalty = result.late_penalties.get(nb.name)
        for grade in nb.grades:
            task = result.tasks.get(grade.name)
            if task is None:
                continue
            grade.auto_score = task.auto_score
            grade.needs_manual_grade = bool(task.needs_manual_grade) or grade.manual_score is not None
    gb.db.commit()
    if not pages_already_delivered(jobdir, result):
        copy_pages(course, jobdir, student, assignment)
    result.save(Path(jobdir) / "result.json")
    (Path(jobdir) / "merged.json").write_text(json.dumps({"fingerprint": result.fingerprint}))


def pages_already_delivered(jobdir: Path, result: JobResult) -> bool:
    """Whether an earlier merge of this very result copied the job's pages to the course and
    the job's scratch copy of them is gone since (the grader removes it after merging)."""
    merged = Path(jobdir) / "merged.json"
    if (Path(jobdir) / "course").is_dir() or not merged.exists():
        return False
    return json.loads(merged.read_text()).get("fingerprint") == result.fingerprint


def copy_pages(course: Course, jobdir: Path, student: str, assignment: str) -> None:
    """Replace the course's autograded notebooks and feedback pages of the submission with
    the job's (none, when the job produced none)."""
    for kind, target in (("autograded", course.autograded), ("feedback", course.feedback)):
        produced = Path(jobdir) / "course" / kind / student / assignment
        dest = target / student / assignment
        if dest.exists():
            shutil.rmtree(dest)
        if produced.is_dir():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(produced, dest)

"""Grades as a CSV file an LMS can import, written with the csv module from the gradebook.

`nbgrader export` writes its CSV without quoting (a comma in a name shifts the row) and
only one total per assignment. Here: one row per (student, assignment) for every student
in the gradebook and every assignment asked for, including submissions that could not be
graded (status `error`) and assignments a student did not submit (status `no submission`,
0 points), so no grade goes missing; one column per graded cell, named
`<assignment>:<grade_id>`, empty for other assignments' rows.

Scores come from nbgrader's gradebook API, so a score an instructor corrected by hand in
the formgrader is the one exported; status and reasons come from the grading jobs.

    python -m autograder.export [--output FILE] [ASSIGNMENT ...]
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from .checker import misconception_title
from .course import Course
from .result import JobResult

FIXED = ["student_id", "last_name", "first_name", "email", "assignment", "status", "score", "max_score",
         "percent", "late_penalty", "timestamp", "needs_manual_grade", "attention", "lost_points",
         "misconceptions"]


def _result(course: Course, assignment: str, student: str) -> JobResult | None:
    return JobResult.load(course.jobs / assignment / student / "result.json")


def _num(x) -> str:
    return "" if x is None else f"{float(x):.4g}"


def rows(course: Course, assignments: list[str] | None = None) -> tuple[list[str], list[dict]]:
    """The header and the rows of the grades table."""
    out, task_columns = [], []
    with Gradebook(course.db_url) as gb:
        known = [a.name for a in gb.assignments]
        names = [a for a in (assignments or known) if a in known]
        for name in names:
            for nb in gb.find_assignment(name).notebooks:
                task_columns += [f"{name}:{cell.name}" for cell in nb.grade_cells]
        for student in gb.students:
            for name in names:
                assignment = gb.find_assignment(name)
                row = {"student_id": student.id, "last_name": student.last_name or "",
                       "first_name": student.first_name or "", "email": student.email or "", "assignment": name,
                       "max_score": _num(assignment.max_score)}
                result = _result(course, name, student.id)
                try:
                    submission = gb.find_submission(name, student.id)
                except MissingEntry:
                    row.update(status="no submission", score="0", percent="0")
                    out.append(row)
                    continue
                score = submission.score
                row.update(
                    status=result.status.value if result else "graded by nbgrader",
                    score=_num(score), percent=_num(100 * score / assignment.max_score if assignment.max_score else 0),
                    late_penalty=_num(submission.late_submission_penalty or 0),
                    timestamp=submission.timestamp.isoformat() if submission.timestamp else "",
                    needs_manual_grade="yes" if submission.needs_manual_grade else "no",
                    attention=" | ".join(result.needs_attention()) if result else "",
                    lost_points=" | ".join(f"{f.grade_id}: {f.message}" for f in result.failures) if result else "",
                    misconceptions=" | ".join(f"{f.grade_id}: {misconception_title(f.misconception)}"
                                              for f in result.failures if f.misconception) if result else "")
                for nb in submission.notebooks:
                    for grade in nb.grades:
                        row[f"{name}:{grade.name}"] = _num(grade.score)
                out.append(row)
    return FIXED + task_columns, out


def write_csv(course: Course, path: Path, assignments: list[str] | None = None) -> Path:
    header, data = rows(course, assignments)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, quoting=csv.QUOTE_MINIMAL, restval="")
        writer.writeheader()
        writer.writerows(data)
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.export", description="Write grades.csv from the gradebook.")
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--output", help="CSV file (default: autograder/reports/grades.csv)")
    parser.add_argument("--course", default=str(Course().root))
    args = parser.parse_args(argv)
    course = Course(args.course)
    print(write_csv(course, Path(args.output) if args.output else course.reports / "grades.csv", args.assignments or None))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What a job's run of nbgrader produced, read back into a JobResult's parts: the score of
every graded cell (from the job's gradebook), why each one lost points (the error output of
its cell in the autograded notebook) and what happened while the cells ran (the reports of
execute.GuardedExecute)."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from . import notebooks
from .result import Failure, Issue, IssueKind, JobResult, Task


def _gradebook(work: Path) -> Gradebook:
    return Gradebook(f"sqlite:///{Path(work) / 'gradebook.db'}")


def record_scores(result: JobResult, work: Path) -> None:
    """The submission's scores per graded cell, timestamp and late penalties."""
    with _gradebook(work) as gb:
        sub = gb.find_submission(result.assignment, result.student)
        result.timestamp = sub.timestamp.isoformat() if sub.timestamp else None
        result.late_penalty = float(sub.late_submission_penalty or 0)
        result.late_penalties = {nb.name: nb.late_submission_penalty for nb in sub.notebooks}
        result.tasks = {grade.name: Task(nb.name, grade.score, grade.max_score, grade.auto_score,
                                         grade.needs_manual_grade)
                        for nb in sub.notebooks for grade in nb.grades}


def zero_tasks(work: Path, assignment: str, needs_manual_grade: bool = False) -> dict[str, Task]:
    """Every graded cell of the assignment with 0 points (nothing could be graded), from the
    gradebook in folder `work`; flagged for manual grading when the grader itself failed."""
    with _gradebook(work) as gb:
        return {cell.name: Task(nb.name, 0.0, cell.max_score, 0.0, needs_manual_grade)
                for nb in gb.find_assignment(assignment).notebooks for cell in nb.grade_cells}


def first_line(text: str, limit: int = 300) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[:limit] + "..."


def _why(cell, task: Task) -> str:
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    stderr = [o for o in cell.get("outputs", []) if o.get("name") == "stderr"]
    if errors:
        return first_line(f"{errors[-1].get('ename')}: {errors[-1].get('evalue')}")
    if stderr:
        return "the cell wrote to stderr: " + first_line(stderr[0].get("text", ""))
    return "needs manual grading" if task.score is None else "partial credit"


def misconceptions(reports: Path) -> dict[str, str]:
    """grade_id -> the misconception its test's failure was diagnosed as, from the execution reports."""
    return {cell["grade_id"]: cell["misconception"] for path in sorted(Path(reports).glob("*.json"))
            for cell in json.loads(path.read_text())["cells"] if cell.get("misconception")}


def failures(result: JobResult, autograded: Path, diagnosed: dict[str, str]) -> list[Failure]:
    """Why each graded cell lost points: the error its test raised (autograded: the folder of
    the student's autograded notebooks) and the misconception it was `diagnosed` as, if any."""
    found, read = [], {}
    for grade_id, task in result.tasks.items():
        if task.score is not None and task.score >= task.max_score:
            continue
        if task.notebook not in read:
            path = Path(autograded) / f"{task.notebook}.ipynb"
            read[task.notebook] = nbformat.read(path, as_version=4) if path.exists() else None
        nb = read[task.notebook]
        cell = next((c for c in nb.cells if notebooks.grade_id(c) == grade_id), None) if nb is not None else None
        message = "not graded (notebook missing)" if nb is None else _why(cell, task) if cell else "no error output"
        found.append(Failure(grade_id, task.score, task.max_score, message, diagnosed.get(grade_id, "")))
    return found


def execution_issues(reports: Path, release: Path) -> tuple[list[Issue], dict[str, float]]:
    """Issues from the execution reports (limits hit, kernels lost, errors in solution cells)
    and the time they add up to."""
    cells = [c for path in release.glob("*.ipynb") for c in notebooks.read_cells(path)]
    solution_ids = {notebooks.grade_id(c) for c in cells if notebooks.is_solution(c)}
    graded_ids = {notebooks.grade_id(c) for c in cells if notebooks.is_test(c)}
    issues, timing = [], {"kernel_start_seconds": 0.0, "cell_seconds": 0.0, "checker_seconds": 0.0, "restarts": 0}
    for path in sorted(Path(reports).glob("*.json")):
        report = json.loads(path.read_text())
        for key in ("kernel_start_seconds", "cell_seconds", "restarts"):
            timing[key] += report.get(key, 0)
        timing["checker_seconds"] += sum(cell.get("checker_seconds", 0) for cell in report["cells"])
        name = report["notebook"]
        for cell in report["cells"]:
            where = f"{name}: cell {cell['grade_id'] or '#' + str(cell['index'])}"
            status, message = cell["status"], cell["message"]
            if status == "timeout":
                issues.append(Issue(IssueKind.TIMEOUT, f"{where}: {message}"))
            elif status == "kernel died":
                kind = IssueKind.MEMORY_LIMIT if "memory" in message else IssueKind.KERNEL_DIED
                issues.append(Issue(kind, f"{where}: {message}"))
            elif status == "error" and cell["grade_id"] in solution_ids:
                issues.append(Issue(IssueKind.SOLUTION_ERROR, f"{where} raised {message}"))
            elif status == "error" and cell["grade_id"] not in graded_ids:
                issues.append(Issue(IssueKind.CELL_ERROR, f"{where} raised {message}"))
            if cell.get("truncated"):
                issues.append(Issue(IssueKind.OUTPUT_TRUNCATED, f"{where}: output beyond the limit was cut"))
        if report.get("stop_reason"):
            issues.append(Issue(IssueKind.NOT_RUN, f"{name}: later cells {report['stop_reason']}"))
    return issues, timing

"""The summary a grading run prints: per assignment the number graded, the mean and median
score, the misconceptions the failed tests were diagnosed as (what to explain again), and
every submission that needs an instructor's attention, with its reasons."""
from __future__ import annotations

import statistics
from collections import Counter

from .checker import misconception_title
from .course import Course
from .result import JobResult, Status


def results(course: Course, assignments: list[str]) -> list[JobResult]:
    """The latest result of every job of these assignments."""
    found = []
    for assignment in assignments:
        folder = course.jobs / assignment
        if folder.is_dir():
            found += [r for job in sorted(folder.iterdir()) if (r := JobResult.load(job / "result.json"))]
    return found


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def misconceptions(found: list[JobResult]) -> list[str]:
    """Per assignment, how many submissions each misconception was found in, most frequent first."""
    lines = []
    for assignment in sorted({r.assignment for r in found}):
        items = [r for r in found if r.assignment == assignment]
        counts = Counter(m for r in items for m in {f.misconception for f in r.failures if f.misconception})
        lines += [f"  {assignment}: {n} of {len(items)} submissions: {misconception_title(m)}"
                  for m, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return lines


def table(found: list[JobResult], course: Course | None = None) -> str:
    rows = [("assignment", "graded", "errors", "mean", "median", "out of", "attention")]
    by_assignment: dict[str, list[JobResult]] = {}
    for result in found:
        by_assignment.setdefault(result.assignment, []).append(result)
    attention = []
    for assignment, items in sorted(by_assignment.items()):
        scores = [r.score for r in items]
        flagged = [r for r in items if r.needs_attention()]
        rows.append((assignment, str(sum(r.status == Status.GRADED for r in items)),
                     str(sum(r.status == Status.ERROR for r in items)), _fmt(statistics.mean(scores)),
                     _fmt(statistics.median(scores)), _fmt(max(r.max_score for r in items)), str(len(flagged))))
        for r in flagged:
            attention.append((r.student, assignment, f"{_fmt(r.score)}/{_fmt(r.max_score)}", r.needs_attention()))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if not by_assignment:
        lines.append("(no submissions)")
    common = misconceptions(found)
    if common:
        lines += ["", "misconceptions (a failed test whose results match a common mistake):", *common]
    if attention:
        lines += ["", "needs attention:"]
        for student, assignment, score, reasons in attention:
            lines.append(f"  {student} / {assignment} ({score}):")
            lines += [f"    - {reason}" for reason in reasons]
    if any(not r.isolated for r in found):
        lines += ["", "WARNING: some submissions ran without isolation (see the grader's first message)."]
    return "\n".join(lines)

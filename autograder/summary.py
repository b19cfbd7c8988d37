"""The summary a grading run prints: per assignment the number graded, the mean and median
score, and every submission that needs an instructor's attention, with its reasons."""
from __future__ import annotations

import json
import statistics

from .course import Course

# Issues that are ordinary student mistakes: reported in the feedback and the CSV, but they
# do not need an instructor to look at the submission.
ROUTINE = {"solution_error"}


def results(course: Course, assignments: list[str]) -> list[dict]:
    """The latest result of every job of these assignments."""
    found = []
    for assignment in assignments:
        folder = course.jobs / assignment
        if not folder.is_dir():
            continue
        for job in sorted(folder.iterdir()):
            path = job / "result.json"
            if path.is_file():
                try:
                    found.append(json.loads(path.read_text()))
                except ValueError:
                    pass
    return found


def needs_attention(result: dict) -> list[str]:
    reasons = [f"{i['kind']}: {i['message']}" for i in result["issues"] if i["kind"] not in ROUTINE]
    if result["status"] == "error" and not reasons:
        reasons.append("nbgrader could not grade it")
    return reasons


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def table(found: list[dict], course: Course | None = None) -> str:
    rows = [("assignment", "graded", "errors", "mean", "median", "out of", "attention")]
    by_assignment: dict[str, list[dict]] = {}
    for result in found:
        by_assignment.setdefault(result["assignment"], []).append(result)
    attention = []
    for assignment, items in sorted(by_assignment.items()):
        scores = [r["score"] for r in items]
        maximum = max(r["max_score"] for r in items)
        flagged = [r for r in items if needs_attention(r)]
        rows.append((assignment, str(sum(r["status"] == "graded" for r in items)),
                     str(sum(r["status"] == "error" for r in items)),
                     _fmt(statistics.mean(scores)), _fmt(statistics.median(scores)), _fmt(maximum), str(len(flagged))))
        for r in flagged:
            attention.append((r["student"], assignment, f"{_fmt(r['score'])}/{_fmt(r['max_score'])}",
                              needs_attention(r)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if not by_assignment:
        lines.append("(no submissions)")
    if attention:
        lines += ["", "needs attention:"]
        for student, assignment, score, reasons in attention:
            lines.append(f"  {student} / {assignment} ({score}):")
            lines += [f"    - {reason}" for reason in reasons]
    if any(not r.get("isolated", True) for r in found):
        lines += ["", "WARNING: some submissions ran without isolation (see the grader's first message)."]
    return "\n".join(lines)

"""Run an nbgrader source notebook in this process, cell by cell, like the autograder does.

A graded test cell earns its points when it runs without an exception; later cells run
even after one fails. Solution cells can be replaced by other code, which is how the
tests check that other correct solutions get full marks and plausible mistakes do not.
This is a fast stand-in for `nbgrader autograde`; tests/test_nbgrader_roundtrip.py runs the real thing.
"""
import contextlib
import io
import json
import traceback
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class GradedCellResult:
    grade_id: str
    points: float
    passed: bool
    error: str  # "ExceptionType: message" of the failure, "" when passed


def nbgrader_meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def code_cells(notebook: Path) -> list[dict]:
    """The code cells of a notebook, in order."""
    cells = json.loads(notebook.read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def solution_ids(notebook: Path) -> list[str]:
    """grade_ids of the cells students fill in."""
    return [nbgrader_meta(c)["grade_id"] for c in code_cells(notebook) if nbgrader_meta(c).get("solution")]


def graded_points(notebook: Path) -> dict[str, float]:
    """grade_id -> points of every graded test cell."""
    return {nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"])
            for c in code_cells(notebook) if nbgrader_meta(c).get("grade")}


def run(notebook: Path, replace: dict[str, str] | None = None,
        only_tests: set[str] | None = None) -> dict[str, GradedCellResult]:
    """Execute the notebook's code cells and return the result of each graded test cell.

    replace maps a solution cell's grade_id to the code to run instead of ours.
    only_tests, if given, skips the graded test cells not named in it (to save time).
    """
    replace = dict(replace or {})
    namespace = {"__name__": "__main__"}
    results = {}
    for cell in code_cells(notebook):
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id", "")
        if meta.get("grade") and only_tests is not None and grade_id not in only_tests:
            continue
        code = replace.pop(grade_id) if grade_id in replace else source(cell)
        error = ""
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(code, f"<cell {grade_id}>", "exec"), namespace)
            except Exception as exc:  # noqa: BLE001 - a failing cell is a result, not a crash
                error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        if meta.get("grade"):
            results[grade_id] = GradedCellResult(grade_id, float(meta["points"]), not error, error)
    if replace:
        raise KeyError(f"no solution cells named {sorted(replace)} in {notebook}")
    return results

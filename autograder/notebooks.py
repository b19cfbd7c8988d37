"""Facts about the course's nbgrader notebooks, in one place.

A cell's role is written in its nbgrader metadata: a *solution* cell (the student writes
it; its `grade_id` is the function it defines), a graded *test* cell (locked, with points;
`grade_id` = `test_<function>`), or a locked *setup* cell (imports, helpers of the tests).
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

IGNORED = {".ipynb_checkpoints", "__pycache__", ".DS_Store"}  # left next to notebooks by Jupyter, Python, macOS


def nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell) -> str | None:
    return nbgrader(cell).get("grade_id")


def source(cell) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def is_test(cell) -> bool:
    return cell.get("cell_type") == "code" and bool(nbgrader(cell).get("grade"))


def is_solution(cell) -> bool:
    return cell.get("cell_type") == "code" and bool(nbgrader(cell).get("solution"))


def is_setup(cell) -> bool:
    """A locked code cell that is neither a solution nor a test: the notebook's own code."""
    meta = nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("locked")) and not meta.get("grade") \
        and not meta.get("solution")


def read_cells(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text())["cells"]


def defined_names(code: str) -> dict[str, tuple[str, ...]]:
    """The functions and classes a cell defines at its top level, with their parameters: a
    class under its name (the parameters of __init__) and each method as `Class.method`."""
    def params(function, skip: int = 0) -> tuple[str, ...]:
        return tuple(a.arg for a in function.args.posonlyargs + function.args.args)[skip:]

    names = {}
    for node in ast.parse(code).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = params(node)
        elif isinstance(node, ast.ClassDef):
            names[node.name] = ()
            for method in (n for n in node.body if isinstance(n, ast.FunctionDef)):
                names[node.name if method.name == "__init__" else f"{node.name}.{method.name}"] = params(method, 1)
    return names


@dataclass(frozen=True)
class Step:
    """A code cell the grader runs itself: a setup cell or a test cell."""
    index: int
    grade_id: str
    code: str
    test: bool


HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)


def without_hidden_tests(code: str) -> str:
    return HIDDEN.sub("", code)


def grader_steps(cells: list[dict], public_only: bool = False) -> list[Step]:
    """The setup and test cells of an nbgrader source notebook, in order (public_only: the
    test cells as students see them, without their hidden tests)."""
    return [Step(i, grade_id(c) or f"#{i}", without_hidden_tests(source(c)) if public_only else source(c), is_test(c))
            for i, c in enumerate(cells) if is_test(c) or is_setup(c)]


def student_names(cells: list[dict]) -> dict[str, tuple[str, ...]]:
    """What the solution cells define (function and class names, with their parameters)."""
    names = {}
    for cell in cells:
        if is_solution(cell):
            names.update(defined_names(source(cell)))
    return names

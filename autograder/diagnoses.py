"""The misconception catalogue's fingerprints: what each catalogued mistake returns where it fails.

tests/variants/<assignment>.py lists plausible mistakes (MISTAKES: the code, the tests it must
fail, the reason the feedback gives) and, for those that come from a misconception a reader
can have, that misconception (MISCONCEPTIONS: a title, an explanation for the student, and the
book section that covers it): one source for both. This module runs each catalogued mistake
through the grader (runner.py) and records, at every test it fails, which check failed and
what the mistaken function returned there (regcourse.diagnosis):

* autograder/diagnoses/<assignment>.json: the fingerprints of every test, for the checker;
* src/regcourse/diagnoses/<assignment>.json: those of the visible tests, for the student's Lab.

Run `make diagnoses` (python -m autograder.diagnoses) after changing a test, a mistake or a
misconception: the variants tests fail when these files are stale.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

import yaml
from docutils.nodes import make_id

from regcourse import diagnosis

from . import notebooks, runner
from .checker import DIAGNOSES

ROOT = Path(__file__).resolve().parent.parent


def variants(assignment: str):
    """tests/variants/<assignment>.py: CORRECT, MISTAKES and MISCONCEPTIONS."""
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    return importlib.import_module(f"variants.{assignment}")


def assignments() -> list[str]:
    return sorted(p.stem for p in (ROOT / "tests" / "variants").glob("ch*.py"))


def source_notebook(assignment: str) -> Path:
    (notebook,) = (ROOT / "solutions" / assignment).glob("*.ipynb")
    return notebook


# ---- where the book explains it ----------------------------------------------------------

def _pages() -> dict[str, str]:
    """Book page (e.g. book/02_l1_l2/penalties) -> its number in the table of contents."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    numbered = [part for part in toc["parts"] if part.get("numbered")]
    pages = {}
    for part in numbered:
        for i, chapter in enumerate(part["chapters"], 1):
            pages[chapter["file"]] = str(i)
            for j, section in enumerate(chapter.get("sections", []), 1):
                pages[section["file"]] = f"{i}.{j}"
    return pages


def _headings(page: str) -> list[str]:
    lines = (line for cell in notebooks.read_cells(ROOT / f"{page}.ipynb") if cell["cell_type"] == "markdown"
             for line in notebooks.source(cell).splitlines())
    return [line.lstrip("#").strip() for line in lines if line.startswith("#")]


def where(page: str, heading: str) -> str:
    """How a student finds the book section: its number, titles and address in the website."""
    number = _pages().get(page)
    if number is None:
        raise ValueError(f"{page} is not a numbered page of _toc.yml")
    headings = _headings(page)
    if heading not in headings:
        raise ValueError(f"{page} has no heading {heading!r}; its headings: {headings}")
    return f"section {number} \u201c{headings[0]}\u201d, \u201c{heading}\u201d ({page}.html#{make_id(heading)})"


# ---- recording ---------------------------------------------------------------------------

def _failures_of(assignment: str, name: str, public_only: bool) -> dict[str, tuple[str, dict]]:
    """test grade_id -> (key, fingerprint) of the check at which the mistake `name` fails it."""
    replace, must_fail, _ = variants(assignment).MISTAKES[name]
    seen = []
    diagnosis.recorder = lambda key, actual, message: seen.append((key, diagnosis.fingerprint(actual, message),
                                                                   message))
    try:
        results = runner.run(source_notebook(assignment), replace, public_only=public_only,
                             only_tests=must_fail | {f"test_{gid}" for gid in replace})
    finally:
        diagnosis.recorder = None
    found = {}
    for grade_id, result in results.items():
        raised = [(key, print_) for key, print_, message in seen
                  if not result.passed and result.verdict.evalue.startswith(message)]
        if raised:
            found[grade_id] = raised[-1]
    return found


def record(assignment: str, public_only: bool) -> dict:
    """The misconceptions of an assignment and the fingerprints of their failures."""
    module = variants(assignment)
    data = {"misconceptions": {}, "checks": []}
    for name, (title, explanation, page, heading) in module.MISCONCEPTIONS.items():
        ident = f"{assignment}/{name}"
        failures = _failures_of(assignment, name, public_only)
        for grade_id, (key, print_) in sorted(failures.items()):
            data["checks"].append({"key": key, "fingerprint": print_, "misconception": ident, "test": grade_id})
        if failures:
            data["misconceptions"][ident] = {"title": title, "explanation": explanation,
                                             "where": where(page, heading)}
    return data


def collisions(data: dict) -> list[tuple[str, str, str]]:
    """(check, misconception, misconception) wherever two misconceptions fail the same check
    with the same result: neither can then be named there."""
    found = []
    checks = data.get("checks", [])
    for i, a in enumerate(checks):
        for b in checks[i + 1:]:
            if a["key"] == b["key"] and a["misconception"] != b["misconception"] and \
                    diagnosis.same(a["fingerprint"], b["fingerprint"]):
                found.append((a["key"], a["misconception"], b["misconception"]))
    return found


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True, allow_nan=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.diagnoses", description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="default: every assignment with variants")
    args = parser.parse_args(argv)
    clashes = []
    for assignment in args.assignments or assignments():
        full, visible = record(assignment, public_only=False), record(assignment, public_only=True)
        _write(DIAGNOSES / f"{assignment}.json", full)
        _write(diagnosis.PUBLIC / f"{assignment}.json", visible)
        clashes += collisions(full)
        print(f"{assignment}: {len(full['misconceptions'])} of {len(variants(assignment).MISTAKES)} mistakes named "
              f"({len(visible['misconceptions'])} in the visible tests)")
    for key, a, b in clashes:
        print(f"{a} and {b} fail {key} with the same result: choose inputs that tell them apart", file=sys.stderr)
    return 1 if clashes else 0


if __name__ == "__main__":
    sys.exit(main())

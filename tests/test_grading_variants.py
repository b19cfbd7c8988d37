"""Grading is right both ways: other correct solutions get full marks, plausible mistakes lose
exactly their task's points with feedback that says why (tests/variants/<assignment>.py), and
a catalogued mistake is named as its misconception (autograder/diagnoses.py)."""
import importlib
from pathlib import Path

import pytest

from autograder import runner

pytestmark = pytest.mark.slow  # grades hundreds of variants, training Keras models

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = sorted(p.stem for p in (ROOT / "tests" / "variants").glob("ch*.py"))


def source_notebook(assignment: str) -> Path:
    (notebook,) = (ROOT / "solutions" / assignment).glob("*.ipynb")
    return notebook


def variants(assignment: str):
    return importlib.import_module(f"variants.{assignment}")


def cases(kind: str):
    return [pytest.param(a, name, id=f"{a}-{name}") for a in ASSIGNMENTS for name in getattr(variants(a), kind)]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solution_passes_every_test(assignment):
    results = runner.run(source_notebook(assignment))
    failed = {gid: r.error for gid, r in results.items() if not r.passed}
    assert results and not failed


@pytest.mark.parametrize("assignment, name", cases("CORRECT"))
def test_other_correct_solution_gets_full_marks(assignment, name):
    replace = variants(assignment).CORRECT[name]
    results = runner.run(source_notebook(assignment), replace,
                                  only_tests={f"test_{gid}" for gid in replace})
    failed = {gid: r.error for gid, r in results.items() if not r.passed}
    assert len(results) == len(replace) and not failed
    assert not any("common mistake" in r.verdict.stdout for r in results.values())


@pytest.mark.parametrize("assignment, name", cases("MISTAKES"))
def test_plausible_mistake_loses_its_points_with_a_reason(assignment, name):
    replace, must_fail, reason = variants(assignment).MISTAKES[name]
    tested = must_fail | {f"test_{gid}" for gid in replace}
    results = runner.run(source_notebook(assignment), replace, only_tests=tested)
    failed = {gid for gid, r in results.items() if not r.passed}
    assert failed == must_fail, {gid: r.error for gid, r in results.items()}
    for gid in must_fail:
        assert reason in results[gid].error, results[gid].error
    named = {r.verdict.misconception for r in results.values()} - {""}
    if name in variants(assignment).MISCONCEPTIONS:
        assert named == {f"{assignment}/{name}"}, {gid: r.error for gid, r in results.items()}
        title = variants(assignment).MISCONCEPTIONS[name][0]
        assert any(f"This looks like a common mistake: {title}." in r.error for r in results.values())

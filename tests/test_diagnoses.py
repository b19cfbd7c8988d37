"""Feedback that names the misconception: the catalogue (tests/variants), its recorded
fingerprints (autograder/diagnoses.py), matching (regcourse.diagnosis) and the student's Lab.
That each catalogued mistake is named as itself when graded is tested with the mistakes
themselves (test_grading_variants.py)."""
import json

import numpy as np
import pytest
from nbclient import NotebookClient

from autograder import diagnoses, notebooks, synthetic
from autograder.course import Course
from autograder.checker import diagnoses_of
from regcourse import diagnosis
from regcourse.checks import check_array, check_scalar, check_that

from conftest import ROOT

ASSIGNMENTS = diagnoses.assignments()


@pytest.fixture
def registry():
    """Diagnose with a registry of our own for the test, and restore the package's afterwards."""
    def install(checks, misconceptions=("a/one", "a/two")):
        diagnosis.use({"misconceptions": {m: {"title": m, "explanation": "Because.", "where": "here"}
                                          for m in misconceptions},
                       "checks": [{"key": k, "fingerprint": p, "misconception": m} for k, p, m in checks]})
    yield install
    diagnosis._registry = None


def failure_of(check, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        check(*args, **kwargs)
    return str(info.value)


# ---- matching -----------------------------------------------------------------------------

def test_a_matching_result_is_named_and_float32_matches_float64(registry):
    expected, mistaken = np.linspace(0, 1, 300), np.linspace(0, 1, 300) * 2
    key = diagnosis.value_key("f(x)", expected)
    registry([(key, diagnosis.fingerprint(mistaken, ""), "a/one")])
    message = failure_of(check_array, mistaken.astype(np.float32), expected, "f(x)")
    assert "values are wrong" in message and "This looks like a common mistake: a/one. Because." in message
    assert diagnosis.named_in(message) == "a/one"


def test_another_result_or_another_check_is_not_named(registry):
    expected, mistaken = np.linspace(0, 1, 300), np.linspace(0, 1, 300) * 2
    registry([(diagnosis.value_key("f(x)", expected), diagnosis.fingerprint(mistaken, ""), "a/one")])
    assert "common mistake" not in failure_of(check_array, mistaken * 1.001, expected, "f(x)")
    assert "common mistake" not in failure_of(check_array, mistaken, expected, "g(x)")
    assert "common mistake" not in failure_of(check_array, mistaken[:-1], expected[:-1], "f(x)")


def test_a_result_two_misconceptions_share_is_not_named(registry):
    key = diagnosis.value_key("mse(y, p)", 4.0)
    registry([(key, diagnosis.fingerprint(13.0, ""), "a/one"), (key, diagnosis.fingerprint(13.0, ""), "a/two")])
    message = failure_of(check_scalar, 13.0, 4.0, "mse(y, p)")
    assert "common mistake" not in message and diagnosis.named_in(message) == ""
    assert diagnoses.collisions({"checks": [{"key": key, "fingerprint": diagnosis.fingerprint(13.0, ""),
                                             "misconception": m} for m in ("a/one", "a/two")]})


def test_checks_that_fail_with_a_message_are_named_by_it(registry):
    registry([(diagnosis.message_key("kept values are x, not x / 0.7"),
               diagnosis.fingerprint(None, "kept values are x, not x / 0.7"), "a/two")])
    assert "common mistake: a/two" in failure_of(check_that, False, "kept values are x, not x / 0.7")
    assert "common mistake" not in failure_of(check_that, False, "kept values are x / 0.5, not x / 0.7")


def test_results_that_are_not_numbers_never_break_the_failure(registry):
    key = diagnosis.value_key("f(x)", np.ones(3))
    registry([(key, diagnosis.fingerprint(np.zeros(3), ""), "a/one")])
    for returned in (None, "text", {"a": 1}, [1, [2, 3]], object()):
        assert "f(x)" in failure_of(check_array, returned, np.ones(3), "f(x)")


def test_a_result_with_nan_and_infinities_is_plain_json_and_still_matches(registry):
    expected, mistaken = np.linspace(0, 1, 5), np.array([0.0, np.nan, np.inf, -np.inf, 1.0])
    recorded = json.loads(json.dumps(diagnosis.fingerprint(mistaken, ""), allow_nan=False))
    assert diagnosis.same(recorded, diagnosis.fingerprint(mistaken.astype(np.float32), ""))
    assert not diagnosis.same(recorded, diagnosis.fingerprint(np.nan_to_num(mistaken), ""))
    registry([(diagnosis.value_key("f(x)", expected), recorded, "a/one")])
    assert "common mistake: a/one" in failure_of(check_array, mistaken, expected, "f(x)")


# ---- the catalogue and its recorded fingerprints ------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_misconception_is_a_mistake_with_a_book_section(assignment):
    module = diagnoses.variants(assignment)
    assert set(module.MISCONCEPTIONS) <= set(module.MISTAKES)
    titles = [title for title, *_ in module.MISCONCEPTIONS.values()]
    assert len(set(titles)) == len(titles), "two misconceptions of one assignment share a title"
    for title, explanation, page, heading in module.MISCONCEPTIONS.values():
        assert title and title[0].islower() and not title.endswith("."), title
        assert explanation.endswith(".") and len(explanation) < 400, explanation
        assert diagnoses.where(page, heading)  # raises when the page or the heading is not in the book


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_recorded_fingerprints_are_those_of_the_catalogue(assignment):
    """Every catalogued misconception was recorded, with its text as catalogued (else: make diagnoses)."""
    module, recorded = diagnoses.variants(assignment), diagnoses_of(assignment)
    expected = {f"{assignment}/{name}": {"title": t, "explanation": e, "where": diagnoses.where(p, h)}
                for name, (t, e, p, h) in module.MISCONCEPTIONS.items()}
    assert recorded["misconceptions"] == expected, "run `make diagnoses`"
    public = diagnoses_of(assignment, public_only=True)
    assert all(public["misconceptions"][m] == expected[m] for m in public["misconceptions"]), "run `make diagnoses`"
    full_keys = {c["key"] for c in recorded["checks"]}
    assert {c["key"] for c in public["checks"]} <= full_keys


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_two_misconceptions_fail_a_check_with_the_same_result(assignment):
    """Else neither could be named there: the test's inputs must tell them apart."""
    assert diagnoses.collisions(diagnoses_of(assignment)) == []


# ---- in the student's own Lab ---------------------------------------------------------------

def _first_public_misconception(assignment: str) -> tuple[str, str]:
    public = diagnoses_of(assignment, public_only=True)
    ident = sorted(public["misconceptions"])[0]
    return ident.split("/")[1], public["misconceptions"][ident]["title"]


@pytest.mark.slow  # runs each exercise notebook in a Jupyter kernel
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_visible_test_names_the_misconception_in_the_students_kernel(assignment, tmp_path):
    """The exercise notebook as a student has it, solved, run in a Jupyter kernel, with a
    catalogued mistake in a solution cell: the visible test's error names the misconception."""
    name, title = _first_public_misconception(assignment)
    replace, must_fail, _ = diagnoses.variants(assignment).MISTAKES[name]
    (notebook,) = (ROOT / "exercises" / assignment).glob("*.ipynb")
    nb = synthetic.correct(Course(), assignment, notebook.stem)
    tests = {f"test_{gid}" for gid in replace} | must_fail
    kept = []
    for cell in nb.cells:
        grade_id = notebooks.grade_id(cell)
        if grade_id in replace:
            cell.source = replace[grade_id]
        if not notebooks.is_test(cell) or grade_id in tests:
            kept.append(cell)
    nb.cells = kept
    NotebookClient(nb, timeout=300, allow_errors=True, resources={"metadata": {"path": str(notebook.parent)}},
                   kernel_name="python3").execute()
    errors = [output for cell in nb.cells if notebooks.grade_id(cell) in must_fail for output in cell.outputs
              if output.output_type == "error"]
    assert any(f"This looks like a common mistake: {title}." in e.evalue for e in errors), [e.evalue for e in errors]


def test_the_public_fingerprints_ship_with_the_package():
    assert '"diagnoses/*.json"' in (ROOT / "pyproject.toml").read_text()
    assert sorted(p.stem for p in diagnosis.PUBLIC.glob("*.json")) == ASSIGNMENTS
    assert all(json.loads(p.read_text())["checks"] for p in diagnosis.PUBLIC.glob("*.json"))

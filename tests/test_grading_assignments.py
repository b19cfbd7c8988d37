"""The grading pipeline works with every assignment in solutions/, whichever exist.

Each assignment is cut after its first graded test (the first tasks are NumPy ones, so
this stays quick); tests/test_nbgrader_roundtrip.py grades the full notebooks."""
import pytest

from autograder import collect, grade, submission, summary, synthetic
from autograder.course import ROOT, Course

pytestmark = pytest.mark.slow  # grades every assignment

ASSIGNMENTS = Course(ROOT).assignments()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return synthetic.make_course(Course(ROOT), tmp_path_factory.mktemp("all") / "course", ASSIGNMENTS, max_tests=1)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_bad_kinds_are_recognized_before_grading(course, assignment, tmp_path):
    """The file-level and structural checks, on each assignment's own notebook."""
    expected = {"invalid_json": "invalid_notebook", "empty_file": "invalid_notebook", "missing": "missing_notebook",
                "misnamed": "misnamed_notebook", "extra_files": "extra_files", "deleted_test": "deleted_cells",
                "deleted_setup": "deleted_cells", "edited_test": "edited_cells", "moved_test": "moved_cells",
                "changed_points": "changed_metadata", "ungraded_test": "changed_metadata",
                "other_kernel": "kernelspec", "no_cells": "deleted_cells"}
    kinds = synthetic.bad_kinds(course, assignment)
    release = course.exercises / assignment
    for kind, files in kinds.items():
        synthetic.write_submission(tmp_path / kind, files)
        issues, graded = submission.prepare(tmp_path / kind, release, tmp_path / "out" / kind)
        found = {i.kind for i in issues}
        if kind in expected:
            assert expected[kind] in found, (kind, issues)
        elif kind == "correct":
            assert not issues and graded == course.notebooks(assignment)


def test_every_assignment_grades_right_and_wrong_submissions(course, tmp_path):
    inbox = tmp_path / "inbox"
    for assignment in ASSIGNMENTS:
        name = course.notebooks(assignment)[0] + ".ipynb"
        good = synthetic.correct(course, assignment)
        synthetic.write_submission(inbox / "right" / assignment, {name: good})
        synthetic.write_submission(inbox / "wrong" / assignment, {name: synthetic.wrong_first(good)})
    collect.from_folder(course, inbox)
    assert grade.grade(course, grade.Options(workers=2, quiet=True)) == 0
    results = {(r.student, r.assignment): r for r in summary.results(course, ASSIGNMENTS)}
    for assignment in ASSIGNMENTS:
        right, wrong = results["right", assignment], results["wrong", assignment]
        points = synthetic.points(synthetic.correct(course, assignment))
        first = next(iter(points))
        assert right.score == right.max_score == sum(points.values()), right.failures
        assert wrong.score <= right.max_score - points[first], wrong.failures
        assert first in [f.grade_id for f in wrong.failures]
        for result in (right, wrong):  # feedback for everyone, none withheld for showing hidden tests
            assert not [i for i in result.issues if i.kind.value.startswith("feedback")], result.issues
            name = course.notebooks(assignment)[0]
            assert (course.feedback / result.student / assignment / f"{name}.html").exists()

"""`make grade-demo` (python -m autograder.demo) grades a synthetic class and shows where
everything went; here on one assignment, so it stays quick."""
import csv

import pytest

from autograder import demo

pytestmark = pytest.mark.slow  # grades a demo class

ASSIGNMENT = "ch01_overfitting"


def test_demo_grades_a_class_of_every_kind(tmp_path, capsys):
    code = demo.main(["--dir", str(tmp_path / "demo"), "--assignment", ASSIGNMENT])
    out = capsys.readouterr().out
    assert code == 0
    assert "needs attention:" in out and "invalid_notebook" in out and "kernel_died" in out
    assert "solutions/ (hidden tests), exercises/, submitted/ (every student's files) unchanged" in out
    reports = tmp_path / "demo" / "autograder" / "reports"
    with open(reports / "grades.csv", newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert set(rows) == {student for student, _, _ in demo.STUDENTS}
    kind = {student: demo.KINDS[number % len(demo.KINDS)] for number, (student, _, _) in enumerate(demo.STUDENTS)}
    scores = {kind[s]: float(r["score"]) for s, r in rows.items()}
    full = float(rows["ada"]["max_score"])
    assert scores["correct"] == scores["more_points"] == scores["renamed_extra"] == scores["malicious"] == full
    assert scores["invalid_json"] == 0
    assert 0 < scores["wrong"] < full and scores["edited_test"] == scores["wrong"]
    assert rows["eve"]["last_name"] == "Martin, Jr."  # a comma in a name keeps its column

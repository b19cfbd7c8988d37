"""Real `nbgrader autograde` on three submissions per assignment, in a scratch copy of the course:
our solution gets full marks, the untouched student version gets zero on every task without
crashing the grader, and a plausible mistake loses exactly the points of the tasks it breaks."""
import importlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs nbgrader autograde

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = sorted(p.stem for p in (ROOT / "tests" / "variants").glob("ch*.py"))


def solution_body(source: str) -> str:
    """A solution cell as a student would submit it: our code, without nbgrader's markers."""
    return "\n".join(line for line in source.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def submission(release_nb: dict, solutions: dict[str, str]) -> dict:
    """The student version with each solution cell named in `solutions` filled in."""
    nb = json.loads(json.dumps(release_nb))
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            cell["source"] = solutions[grade_id]
    return nb


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    """Autograde three students' submissions of one assignment; return their scores and times."""
    from nbgrader.api import Gradebook

    assignment = request.param
    course = tmp_path_factory.mktemp(assignment)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment)
    env = {**os.environ, "PATH": f"{Path(os.sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run(["nbgrader", "generate_assignment", assignment, "--force"], cwd=course, env=env,
                   check=True, capture_output=True)

    (source,) = (course / "solutions" / assignment).glob("*.ipynb")
    ours = {c["metadata"]["nbgrader"]["grade_id"]: solution_body("".join(c["source"]))
            for c in json.loads(source.read_text())["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    released = json.loads((course / "exercises" / assignment / source.name).read_text())
    replace, must_fail, _ = next(iter(importlib.import_module(f"variants.{assignment}").MISTAKES.values()))
    students = {"solution": submission(released, ours), "untouched": released,
                "mistake": submission(released, {**ours, **replace})}

    for student, nb in students.items():
        folder = course / "autograder" / "submitted" / student / assignment
        folder.mkdir(parents=True)
        (folder / source.name).write_text(json.dumps(nb))
        subprocess.run(["nbgrader", "autograde", assignment, "--student", student], cwd=course, env=env,
                       capture_output=True)  # exit status is not a verdict: scores are read below

    with Gradebook(f"sqlite:///{course / 'autograder' / 'gradebook.db'}") as gradebook:
        scores = {student: {g.name: (g.score, g.max_score)
                            for g in gradebook.find_submission_notebook(source.stem, assignment, student).grades}
                  for student in students}
    autograded = {student: json.loads((course / "autograder" / "autograded" / student / assignment / source.name).read_text())
                  for student in students}
    return {"scores": scores, "must_fail": must_fail, "autograded": autograded}


def test_our_solution_gets_full_marks(graded):
    scores = graded["scores"]["solution"]
    assert scores and all(score == max_score for score, max_score in scores.values()), scores


def test_untouched_student_version_gets_zero_on_every_task(graded):
    scores = graded["scores"]["untouched"]
    assert scores and all(score == 0 for score, _ in scores.values()), scores


def test_one_mistake_loses_exactly_its_points(graded):
    scores = graded["scores"]["mistake"]
    lost = {name for name, (score, max_score) in scores.items() if score != max_score}
    assert lost == graded["must_fail"]
    assert all(scores[name][0] == 0 for name in lost)


def test_no_test_cell_gives_partial_credit_by_accident(graded):
    """nbgrader reads a graded cell's execute_result as a partial score: test cells must have none."""
    for notebook in graded["autograded"].values():
        for cell in notebook["cells"]:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
                assert not [o for o in cell.get("outputs", []) if o["output_type"] == "execute_result"], cell["source"]

"""The commands work when started as `<venv>/bin/python -m autograder.<name>` with nothing
else set up: no activated venv (nbgrader runs `alembic` and we run `nbgrader` from PATH),
a bare PATH and HOME, as on another machine following the README's recipe."""
import csv
import json
import subprocess
import sys
import zipfile

import pytest

from autograder import synthetic
from autograder.course import ROOT, Course
from autograder.result import JobResult

pytestmark = pytest.mark.slow  # runs the grading commands

ASSIGNMENT = "ch01_overfitting"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course copy with no gradebook and no grading template yet: the commands make both."""
    import shutil

    course = synthetic.make_course(Course(ROOT), tmp_path_factory.mktemp("entry") / "course", [ASSIGNMENT],
                                   max_tests=1)
    shutil.rmtree(course.jobs)
    assert not course.gradebook_file.exists()
    return course


def _run(module, *args, home, timeout=600):
    """python -m autograder.<module> in a clean environment, from the repository's root."""
    done = subprocess.run([sys.executable, "-m", f"autograder.{module}", *args], cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"autograder.{module} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr[-3000:]}"
    return done.stdout


def test_commands_run_without_an_activated_venv(course, tmp_path):
    name = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"submissions/ann_{name}", json.dumps(synthetic.correct(course, ASSIGNMENT)))
    root = str(course.root)

    # nbgrader zip_collect from PATH, then a new gradebook (alembic)
    assert "collected ann / ch01_overfitting" in _run("collect", str(archive), "--course", root, home=tmp_path)
    assert course.gradebook_file.exists()
    # a new grading template: generate_assignment opens a new gradebook (alembic)
    listed = _run("grade", "--course", root, "--prepare-only", "--quiet", home=tmp_path).split()
    assert listed == [str(course.jobs / ASSIGNMENT / "ann")]
    # the job, as on another machine, then the merge and the export
    _run("job", listed[0], home=tmp_path)
    result = JobResult.load(course.jobs / ASSIGNMENT / "ann" / "result.json")
    assert (result.status, result.score) == ("graded", result.max_score)
    _run("grade", "--course", root, "--quiet", home=tmp_path)
    csv_path = _run("export", "--course", root, home=tmp_path).strip()
    with open(csv_path, newline="") as f:
        (row,) = csv.DictReader(f)
    assert (row["student_id"], row["assignment"], row["status"]) == ("ann", ASSIGNMENT, "graded")

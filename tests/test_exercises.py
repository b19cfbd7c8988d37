"""exercises/ is exactly what `make exercises` generates from solutions/, and leaks nothing."""
import json
import re
from pathlib import Path

import pytest

from autograder import release
from autograder.course import Course

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = Course().assignments()
MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS")


def cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text())["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"])


def blocks(source: str, begin: str, end: str) -> list[list[str]]:
    """The stripped, non-blank lines strictly between each begin/end marker pair."""
    found, inside = [], False
    for line in source.splitlines():
        if end in line:
            inside = False
        if inside and line.strip():
            found[-1].append(line.strip())
        if begin in line:
            inside = True
            found.append([])
    return found


def runs(lines: list[str], length: int = 3) -> set[tuple[str, ...]]:
    return {tuple(lines[i:i + length]) for i in range(len(lines) - length + 1)}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """A fresh release of every assignment, into a scratch folder with a scratch gradebook."""
    scratch = tmp_path_factory.mktemp("release")
    release.generate(Course(), ASSIGNMENTS, release_dir=scratch / "exercises", db_url=f"sqlite:///{scratch / 'gradebook.db'}")
    return scratch / "exercises"


def test_every_assignment_is_released():
    released = sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir())
    assert released == ASSIGNMENTS, "run `make exercises` after adding or removing an assignment"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_are_up_to_date(assignment, regenerated):
    fresh = {p.relative_to(regenerated / assignment): p for p in (regenerated / assignment).rglob("*") if p.is_file()}
    committed = {p.relative_to(ROOT / "exercises" / assignment): p
                 for p in (ROOT / "exercises" / assignment).rglob("*") if p.is_file()}
    assert sorted(fresh) == sorted(committed), "run `make exercises`"
    for name, path in fresh.items():
        assert path.read_bytes() == committed[name].read_bytes(), f"exercises/{assignment}/{name} is stale: run `make exercises`"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_version_leaks_no_solution_and_no_hidden_test(assignment):
    (source,) = (ROOT / "solutions" / assignment).glob("*.ipynb")
    student = ROOT / "exercises" / assignment / source.name
    student_text = "\n".join(text(c) for c in cells(student))
    assert not MARKERS.search(student_text)
    student_runs = runs([line.strip() for line in student_text.splitlines() if line.strip()])
    secret = []
    for cell in cells(source):
        secret += blocks(text(cell), "### BEGIN SOLUTION", "### END SOLUTION")
        secret += blocks(text(cell), "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    # A shared idiom (one line) is fine; three lines in a row of a solution or hidden test are a leak.
    leaked = [run for block in secret for run in runs(block) if run in student_runs]
    assert not leaked, f"solution or hidden-test code appears in the student version: {leaked}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_unfinished_tasks_say_not_implemented_yet(assignment):
    (source,) = (ROOT / "solutions" / assignment).glob("*.ipynb")
    student = cells(ROOT / "exercises" / assignment / source.name)
    stubs = [text(c) for c in student if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    assert stubs and all("NotImplementedError('not implemented yet" in stub for stub in stubs)


@pytest.mark.parametrize("folder", ["book", "solutions", "exercises"])
def test_notebooks_are_committed_without_outputs(folder):
    for notebook in (ROOT / folder).rglob("*.ipynb"):
        assert ".ipynb_checkpoints" not in notebook.parts, notebook
        code = [c for c in cells(notebook) if c["cell_type"] == "code"]
        assert not any(c.get("outputs") or c.get("execution_count") for c in code), f"{notebook} has outputs"

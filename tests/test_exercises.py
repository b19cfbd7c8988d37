"""exercises/ is exactly what `make exercises` generates from solutions/, and leaks nothing."""
import json
import re
from pathlib import Path

import pytest

from autograder import release

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = release.assignments()
MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS")


def cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text())["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"])


def between(source: str, begin: str, end: str) -> list[str]:
    """The lines strictly between each begin/end marker pair."""
    lines, inside = [], False
    for line in source.splitlines():
        if end in line:
            inside = False
        if inside:
            lines.append(line.strip())
        if begin in line:
            inside = True
    return lines


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """A fresh release of every assignment, into a scratch folder with a scratch gradebook."""
    scratch = tmp_path_factory.mktemp("release")
    release.generate(ASSIGNMENTS, release_dir=scratch / "exercises", db_url=f"sqlite:///{scratch / 'gradebook.db'}")
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
    secret = []
    for cell in cells(source):
        secret += between(text(cell), "### BEGIN SOLUTION", "### END SOLUTION")
        secret += between(text(cell), "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    leaked = [line for line in secret if len(line) >= 20 and line in student_text]
    assert not leaked, f"lines of the solution or hidden tests appear in the student version: {leaked}"


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

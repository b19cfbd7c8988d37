"""Attacks on the grader from a submission's own code (synthetic.ATTACKS, ATTACK_BODIES).

Each attack comes with a wrong first answer and must lose exactly that answer's points and
nothing more: whatever the student's kernel does (rebinding or rewriting the checks, IPython
transformers and hooks, tracers, patched NumPy, hidden tracebacks, fake results on stdout,
a flooded or closed channel, lying arrays, sockets) changes only the data its functions
return, because every test runs in the grader's checker. Honest students graded in the same
run, before and after the attacks, keep full marks, and so does one whose helpers are named
like the tests' private variables. Code that breaks the kernel's own side of the channel
(synthetic.SABOTAGE) can only lose points. No feedback page shows a hidden test line, in clear
or base64-encoded, though one attack prints every cell its kernel runs.
"""
import base64
import binascii
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from autograder import collect, feedback, grade, summary, synthetic
from autograder.course import ROOT, Course

pytestmark = pytest.mark.slow  # grades attacks through the pipeline

ASSIGNMENT = "ch01_overfitting"
HONEST = ("aaa_honest", "zzz_honest", "private_names")
ATTACKS = sorted([*synthetic.ATTACKS, *synthetic.ATTACK_BODIES])
SABOTAGE = sorted(synthetic.SABOTAGE)
LIMITS = grade.Limits(cell_timeout=20, notebook_timeout=120)
# With the tests in the student's kernel, as plain nbgrader runs them, these get full marks.
WIN_IN_THE_KERNEL = ("rebind_checks", "replace_code_objects", "input_transformer", "ast_transformer")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    course = synthetic.make_course(Course(ROOT), base / "course", [ASSIGNMENT], max_tests=3)
    name = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    good = synthetic.correct(course, ASSIGNMENT)
    connections = []
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(0.2)
        listening = threading.Event()
        listening.set()

        def record():
            while listening.is_set():
                try:
                    connections.append(server.accept()[1])
                except OSError:
                    pass

        recorder = threading.Thread(target=record, daemon=True)
        recorder.start()
        kinds = {"aaa_honest": good, "zzz_honest": good, "private_names": synthetic.private_names(good),
                 **synthetic.attacks(good, server.getsockname()[1]), **synthetic.sabotage(good)}
        for student, nb in kinds.items():
            synthetic.write_submission(base / "inbox" / student / ASSIGNMENT, {name: nb})
        collect.from_folder(course, base / "inbox")
        code = grade.grade(course, grade.Options(workers=2, quiet=True, limits=LIMITS))
        listening.clear()
        recorder.join()
    results = {r.student: r for r in summary.results(course, [ASSIGNMENT])}
    return SimpleNamespace(course=course, code=code, results=results, name=name, connections=connections,
                           points=synthetic.points(good))


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_attack_loses_exactly_the_points_of_its_wrong_answer(graded, attack):
    result = graded.results[attack]
    first, first_points = next(iter(graded.points.items()))
    assert result.status == "graded", result.issues
    assert [f.grade_id for f in result.failures] == [first], result.failures
    assert result.score == result.max_score - first_points


def test_the_attacks_are_real_they_win_where_tests_run_in_the_kernel(graded, tmp_path):
    """Plain `nbgrader autograde`, whose test cells run in the student's kernel, gives these
    attacks full marks for a wrong answer (here they lose its points)."""
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    shutil.copytree(graded.course.solutions, course / "solutions")
    shutil.copy(graded.course.root / "nbgrader_config.py", course)
    for student in WIN_IN_THE_KERNEL:
        shutil.copytree(graded.course.submitted / student, course / "autograder" / "submitted" / student)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run(["nbgrader", "generate_assignment", ASSIGNMENT, "--force"], cwd=course, env=env, check=True,
                   capture_output=True)
    subprocess.run(["nbgrader", "autograde", ASSIGNMENT], cwd=course, env=env, capture_output=True)
    with Gradebook(f"sqlite:///{course / 'autograder' / 'gradebook.db'}") as gradebook:
        stock = {student: gradebook.find_submission(ASSIGNMENT, student).score for student in WIN_IN_THE_KERNEL}
    full = sum(graded.points.values())
    assert stock == {student: full for student in WIN_IN_THE_KERNEL}
    assert all(graded.results[student].score < full for student in WIN_IN_THE_KERNEL)


@pytest.mark.parametrize("sabotage", SABOTAGE)
def test_breaking_the_kernels_answers_only_loses_points(graded, sabotage):
    result = graded.results[sabotage]
    first_points = next(iter(graded.points.values()))
    assert result.status == "graded", result.issues
    assert result.score <= result.max_score - first_points
    assert all("KernelLost" in f.message or f.grade_id == next(iter(graded.points)) for f in result.failures)


@pytest.mark.parametrize("student", HONEST)
def test_honest_students_keep_full_marks(graded, student):
    result = graded.results[student]
    assert result.score == result.max_score == sum(graded.points.values()), result.failures
    assert graded.code == 0


def test_no_kernel_reaches_the_graders_network(graded):
    assert graded.connections == []
    nb = nbformat.read(graded.course.autograded / "socket_to_localhost" / ASSIGNMENT / graded.name, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    tried = json.loads(next(line for line in printed.splitlines() if line.startswith("{")))
    assert set(tried.values()) <= {"ConnectionRefusedError", "OSError"}, tried


def _decoded_runs(text: str) -> str:
    """Every run of base64 in text, decoded where it decodes."""
    found = []
    for run in re.findall(r"[A-Za-z0-9+/=]{16,}", text):
        try:
            found.append(base64.b64decode(run + "=" * (-len(run) % 4)).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            pass
    return "\n".join(found)


@pytest.mark.parametrize("student", [*HONEST, *ATTACKS, *SABOTAGE])
def test_no_feedback_shows_a_hidden_test_even_encoded(graded, student):
    source = graded.course.solutions / ASSIGNMENT / graded.name
    page = (graded.course.feedback / student / ASSIGNMENT / graded.name.replace(".ipynb", ".html")).read_text()
    text = feedback.html_text(page)
    hidden = feedback.hidden_lines(source)
    assert hidden
    decoded = " ".join(_decoded_runs(text).split())
    assert [line for line in hidden if " ".join(line.split()) in text + decoded] == []


def test_the_leaking_hook_ran_and_saw_no_test(graded):
    """The event hook printed every cell its kernel ran: the cells of the notebook and the
    grader's calls, never a test."""
    nb = nbformat.read(graded.course.autograded / "event_hooks" / ASSIGNMENT / graded.name, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    leaked = _decoded_runs(" ".join(line[5:] for line in printed.splitlines() if line.startswith("LEAK:")))
    assert "def fit_least_squares" in leaked  # it saw the student's own later cells
    test_lines = [line for c in nbformat.read(graded.course.solutions / ASSIGNMENT / graded.name, as_version=4).cells
                  if c.metadata.get("nbgrader", {}).get("grade") for line in c.source.splitlines() if len(line) > 20]
    assert test_lines and not [line for line in test_lines if line.strip() in leaked]

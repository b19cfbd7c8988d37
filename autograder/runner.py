"""Grade an nbgrader source notebook the way the autograder does, without Jupyter.

The student's cells run in a process of their own (forked from a zygote that has NumPy,
TensorFlow and Keras imported), the test cells in this process, through the grader's own
`Checker` and the grading channel: a test calls the student's functions over the channel and
gets their results back as data, exactly as when a real submission is graded. A graded test
cell earns its points when it runs without an exception; later cells run even after one
fails. Solution cells can be replaced by other code: the tests check with it that other
correct solutions get full marks and plausible mistakes do not (tests/variants), and
diagnoses.py records what each catalogued mistake returns where it fails. The grading
tests run the real pipeline (nbgrader, Jupyter kernels, the sandbox).
"""
import atexit
import contextlib
import io
import os
import socket
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from regcourse.channel import frames
from regcourse.channel.endpoint import GRADER, Endpoint
from regcourse.channel.serve import serve_on

from . import notebooks
from .checker import Checker, Verdict
from .zygote import Zygote

ROOT = Path(__file__).resolve().parent.parent
CELL_SECONDS = 300


@dataclass
class GradedCellResult:
    grade_id: str
    points: float
    passed: bool
    error: str  # "ExceptionType: message" of the failure, "" when passed
    verdict: Verdict


def solution_ids(notebook: Path) -> list[str]:
    """grade_ids of the cells students fill in."""
    return [notebooks.grade_id(c) for c in notebooks.read_cells(notebook) if notebooks.is_solution(c)]


def graded_points(notebook: Path) -> dict[str, float]:
    """grade_id -> points of every graded test cell."""
    return {notebooks.grade_id(c): float(notebooks.nbgrader(c)["points"])
            for c in notebooks.read_cells(notebook) if notebooks.is_test(c)}


# ---- the student's process -------------------------------------------------------------

def student_process(fds: list[int]) -> None:
    """In a forked child: run the cells it is sent in one namespace; serve calls on request."""
    sock = socket.socket(fileno=fds[0])
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    namespace = {"__name__": "__main__"}
    while True:
        try:
            request = frames.recv(sock)
        except frames.ChannelClosed:
            return
        if request["op"] == "serve":
            serve_on(sock, namespace)
            frames.send(sock, {"op": "served"})
            continue
        error = ""
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(request["code"], f"<cell {request['name']}>", "exec"), namespace)
            except Exception as exc:  # noqa: BLE001 - a failing cell is a result, not a crash
                error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        frames.send(sock, {"op": "ran", "error": error})


_zygote = None


def zygote() -> Zygote:
    global _zygote
    if _zygote is None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        _zygote = Zygote(["numpy", "keras", "regcourse.checks", "autograder.runner"], env=env)
        atexit.register(_zygote.close)
    return _zygote


class StudentProcess:
    """A fresh process that runs a student's cells and answers the grader's calls."""

    def __init__(self):
        self.sock, theirs = socket.socketpair()
        self.pid = zygote().spawn("autograder.runner:student_process", [theirs.fileno()])
        theirs.close()

    def run(self, code: str, name: str) -> str:
        frames.send(self.sock, {"op": "exec", "code": code, "name": name})
        return frames.recv(self.sock, time.monotonic() + CELL_SECONDS)["error"]

    def check(self, checker: Checker, grade_id: str):
        frames.send(self.sock, {"op": "serve"})
        endpoint = Endpoint(self.sock, GRADER, deadline=time.monotonic() + CELL_SECONDS)
        verdict = checker.run(grade_id, endpoint)
        endpoint.done()
        reply = frames.recv(self.sock, time.monotonic() + CELL_SECONDS)
        assert reply["op"] == "served", reply
        return verdict

    def close(self) -> None:
        self.sock.close()
        try:
            os.kill(self.pid, 9)
        except ProcessLookupError:
            pass


def run(notebook: Path, replace: dict[str, str] | None = None, only_tests: set[str] | None = None,
        public_only: bool = False) -> dict[str, GradedCellResult]:
    """Grade the notebook and return the result of each graded test cell.

    replace maps a solution cell's grade_id to the code to run instead of ours.
    only_tests, if given, skips the graded test cells not named in it (to save time).
    public_only runs only the tests a student sees (not the hidden ones).
    """
    replace = dict(replace or {})
    cells = notebooks.read_cells(notebook)
    checker = Checker(notebook, public_only=public_only)
    student = StudentProcess()
    results = {}
    try:
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            grade_id = notebooks.grade_id(cell) or ""
            if notebooks.is_test(cell):
                if only_tests is not None and grade_id not in only_tests:
                    continue
                verdict = student.check(checker, grade_id)
                error = f"{verdict.ename}: {verdict.evalue}" if verdict.ename else ""
                results[grade_id] = GradedCellResult(grade_id, float(notebooks.nbgrader(cell)["points"]),
                                                     not error, error, verdict)
            else:
                student.run(replace.pop(grade_id) if grade_id in replace else notebooks.source(cell), grade_id)
    finally:
        student.close()
    if replace:
        raise KeyError(f"no solution cells named {sorted(replace)} in {notebook}")
    return results



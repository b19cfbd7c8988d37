"""The trusted side of grading: every test cell runs here, never in the student's kernel.

A `Checker` holds the instructor's source notebook (hidden tests included) and a namespace
of its own. In it, it runs the notebook's locked setup cells and, when grading reaches a
test cell, that cell's code: public and hidden tests alike. The student's functions are not
in this namespace: each name a solution cell defines is a `Name` whose calls travel over the
grading channel (regcourse.channel) to the student's kernel, which runs the function and
sends back what it returned, as data. The tests, the reference computations and every
comparison run here; student code can change nothing but the data its functions return,
and never sees a line of a test.

A test's verdict is what nbgrader reads from a graded cell: no error output (full points)
or an error output (no points), with the message the student would see in JupyterLab.
"""
from __future__ import annotations

import functools
import io
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from nbformat.notebooknode import NotebookNode

from regcourse import diagnosis
from regcourse.channel.endpoint import Endpoint, KernelLost, Name

from . import notebooks

MAX_STDOUT = 20_000
DIAGNOSES = Path(__file__).with_name("diagnoses")  # the fingerprints of every test (diagnoses.py)


def diagnoses_of(assignment: str, public_only: bool = False) -> dict:
    """The misconceptions a failed test of the assignment can be diagnosed as: with the
    fingerprints of every test, or (public_only) only those a student's own Lab has."""
    path = (diagnosis.PUBLIC if public_only else DIAGNOSES) / f"{assignment}.json"
    return json.loads(path.read_text()) if path.exists() else {"misconceptions": {}, "checks": []}


def misconception_title(ident: str) -> str:
    """The title of a catalogued misconception, from its id ("<assignment>/<mistake>")."""
    about = diagnoses_of(ident.split("/")[0])["misconceptions"].get(ident)
    return about["title"] if about else ident


@dataclass
class Verdict:
    """What a test cell printed and, if it failed, why."""
    stdout: str = ""
    ename: str = ""
    evalue: str = ""
    student_traceback: str = ""  # the student's frames, when their code raised
    seconds: float = 0.0
    kernel_lost: bool = False
    misconception: str = ""  # the catalogued misconception the failure looks like (regcourse.diagnosis)

    @property
    def passed(self) -> bool:
        return not self.ename

    def outputs(self) -> list[NotebookNode]:
        """The graded cell's outputs, as nbgrader scores them."""
        outputs = []
        if self.stdout:
            outputs.append(NotebookNode(output_type="stream", name="stdout", text=self.stdout))
        if self.ename:
            lines = [f"{self.ename}: {self.evalue}"]
            if self.student_traceback:
                lines = ["Traceback (the lines of your code where it failed):", self.student_traceback.rstrip()] + lines
            outputs.append(NotebookNode(output_type="error", ename=self.ename, evalue=self.evalue, traceback=lines))
        return outputs


class Checker:
    """Runs one notebook's test cells against a student's kernel, reached through `Endpoint`s."""

    def __init__(self, source_notebook: Path, public_only: bool = False):
        cells = notebooks.read_cells(source_notebook)
        diagnosis.use(diagnoses_of(Path(source_notebook).parent.name, public_only))
        self.steps = notebooks.grader_steps(cells, public_only)
        self.names = notebooks.student_names(cells)
        self._endpoint: Endpoint | BaseException | None = None
        self._done: set[str] = set()
        self._stdout = io.StringIO()
        self.namespace = {"__name__": "__main__", "print": functools.partial(print, file=self._stdout)}
        for name, params in self.names.items():
            if "." not in name:
                self.namespace[name] = Name(self._current_endpoint, name, params)
        np.random.seed(0)  # the grader's global random states, shared with the kernel's, start the same way
        random.seed(0)

    def _exec(self, step: notebooks.Step) -> None:
        exec(compile(step.code, f"<{step.grade_id}>", "exec"), self.namespace)  # noqa: S102 - the course's own code

    def _current_endpoint(self) -> Endpoint:
        if isinstance(self._endpoint, BaseException):
            raise self._endpoint
        if self._endpoint is None:
            raise KernelLost("the student's functions can be called only while a test cell runs")
        return self._endpoint

    def run(self, grade_id: str, endpoint: Endpoint | BaseException) -> Verdict:
        """Run the test cell `grade_id` (after the setup cells before it) with calls going to
        `endpoint`, or failing with the exception given instead of one."""
        started = time.monotonic()
        if isinstance(endpoint, Endpoint):
            endpoint.params = self.names
        self._endpoint = endpoint
        self._stdout.seek(0)
        self._stdout.truncate()
        verdict = Verdict()
        try:
            test = next((step for step in self.steps if step.test and step.grade_id == grade_id), None)
            if test is None:
                raise KeyError(f"the source notebook has no test cell {grade_id!r}")
            for step in self.steps:  # the setup cells before it, each once
                if step.index < test.index and not step.test and step.grade_id not in self._done:
                    self._done.add(step.grade_id)
                    self._exec(step)
            self._exec(test)
        except KernelLost as exc:
            verdict.ename, verdict.evalue, verdict.kernel_lost = "KernelLost", str(exc), True
        except Exception as exc:  # noqa: BLE001 - a failed test is a verdict
            verdict.ename, verdict.evalue = type(exc).__name__, str(exc)
            verdict.student_traceback = getattr(exc, "remote_traceback", "")
            verdict.misconception = diagnosis.named_in(verdict.evalue) if isinstance(exc, AssertionError) else ""
        finally:
            self._endpoint = None
        text = self._stdout.getvalue()
        verdict.stdout = text if len(text) <= MAX_STDOUT else text[:MAX_STDOUT] + "\n[output cut by the grader]\n"
        verdict.seconds = round(time.monotonic() - started, 3)
        return verdict

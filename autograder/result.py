"""The result of one grading job, and the kinds of issue a job reports.

A job writes its `JobResult` as result.json in its folder (job.py); merge, summary, export,
the progress display and the benchmark read it back with `JobResult.load`. One record for
all of them, so that what a job reports changes in one place.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path


class IssueKind(str, Enum):
    """What a job can notice about a submission."""
    # found before grading (submission.py): what is graded instead is in its docstring
    INVALID_NOTEBOOK = "invalid_notebook"
    MISSING_NOTEBOOK = "missing_notebook"
    MISNAMED_NOTEBOOK = "misnamed_notebook"
    EXTRA_FILES = "extra_files"
    KERNELSPEC = "kernelspec"
    DELETED_CELLS = "deleted_cells"
    EDITED_CELLS = "edited_cells"
    MOVED_CELLS = "moved_cells"
    CHANGED_METADATA = "changed_metadata"
    UNKNOWN_CELLS = "unknown_cells"
    # found while grading (execute.py's reports)
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory_limit"
    KERNEL_DIED = "kernel_died"
    SOLUTION_ERROR = "solution_error"
    CELL_ERROR = "cell_error"
    OUTPUT_TRUNCATED = "output_truncated"
    NOT_RUN = "not_run"
    # the grader's own trouble
    GRADER_ERROR = "grader_error"
    WORKER_LOST = "worker_lost"  # every Dask worker that ran the job died (cluster.py)
    FEEDBACK_ERROR = "feedback_error"
    FEEDBACK_WITHHELD = "feedback_withheld"


# Ordinary student mistakes: in the feedback and the CSV, but no reason for an instructor to look.
ROUTINE = {IssueKind.SOLUTION_ERROR}
# Issues a student must not read: the message of a withheld page quotes the hidden test lines it found.
NOT_FOR_STUDENTS = {IssueKind.FEEDBACK_WITHHELD}


class Status(str, Enum):
    GRADED = "graded"  # nbgrader graded it (some tasks may still have failed)
    ERROR = "error"    # it could not be graded: 0 points, flagged for manual grading


@dataclass
class Issue:
    kind: IssueKind
    message: str


@dataclass
class Task:
    """One graded cell's score."""
    notebook: str
    score: float | None
    max_score: float
    auto_score: float | None
    needs_manual_grade: bool


@dataclass
class Failure:
    """Why a graded cell lost points."""
    grade_id: str
    score: float | None
    max_score: float
    message: str
    misconception: str = ""  # the catalogued misconception its failure looks like (regcourse.diagnosis)


@dataclass
class JobResult:
    student: str
    assignment: str
    fingerprint: str  # of the job's inputs: a result with another fingerprint is stale
    status: Status = Status.GRADED
    issues: list[Issue] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    graded_notebooks: list[str] = field(default_factory=list)
    isolated: bool = True
    tasks: dict[str, Task] = field(default_factory=dict)
    score: float = 0.0
    max_score: float = 0.0
    timestamp: str | None = None
    late_penalty: float = 0.0
    late_penalties: dict[str, float | None] = field(default_factory=dict)
    timing: dict[str, float] = field(default_factory=dict)  # seconds: autograde, kernel start, cells, ...

    def needs_attention(self) -> list[str]:
        """Why an instructor should look at this submission (nothing for a routine one)."""
        reasons = [f"{i.kind.value}: {i.message}" for i in self.issues if i.kind not in ROUTINE]
        if self.status == Status.ERROR and not reasons:
            reasons.append("nbgrader could not grade it")
        return reasons

    def notes_for_students(self) -> list[str]:
        return [i.message for i in self.issues if i.kind not in NOT_FOR_STUDENTS]

    def save(self, path: Path) -> None:
        """Write as JSON, atomically (a reader never sees half a result)."""
        path = Path(path)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1, default=str))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> JobResult | None:
        """The result in path; None if there is none or it cannot be read."""
        try:
            data = json.loads(Path(path).read_text())
            return cls.from_dict(data)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @classmethod
    def from_dict(cls, data: dict) -> JobResult:
        data = dict(data)
        data["status"] = Status(data.get("status", Status.GRADED))
        data["issues"] = [Issue(IssueKind(i["kind"]), i["message"]) for i in data.get("issues", [])]
        data["failures"] = [Failure(**f) for f in data.get("failures", [])]
        data["tasks"] = {name: Task(**task) for name, task in data.get("tasks", {}).items()}
        return cls(**data)

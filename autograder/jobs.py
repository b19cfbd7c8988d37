"""Preparing grading jobs: one folder per (student, assignment) with a snapshot of the
submission and a job.json that says what to grade and how (job.py grades it).

A job's fingerprint digests its inputs: the student, the submitted files, the assignment's
source, the nbgrader settings and the limits. A job whose inputs did not change since it was
graded and merged is not graded again; one whose result came back from elsewhere (another
machine, a run that was interrupted after it) is only merged.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .course import Course, file_digest
from .result import JobResult

GRADER_VERSION = "2"  # change to make every job's fingerprint change


@dataclass
class Limits:
    cell_timeout: int | None = None    # seconds; None: the course's Execute.timeout
    notebook_timeout: int = 900        # seconds for all cells of one notebook
    memory_mb: int = 2048              # per kernel
    output_bytes: int = 1_000_000      # per notebook
    tmp_mb: int = 512                  # the kernel's private tmpfs (working copy, /tmp)
    kernel_restarts: int = 2           # new kernels per notebook after one died or hung
    threads: int = 0                   # CPU threads per kernel (BLAS, TensorFlow); 0: cores / workers


@dataclass
class Job:
    student: str
    assignment: str
    folder: Path
    fingerprint: str
    state: str = "new"                 # new | merge | done


def submitted_pairs(course: Course, assignments: list[str], students: list[str]) -> list[tuple[str, str]]:
    pairs = []
    if not course.submitted.is_dir():
        return pairs
    for student_dir in sorted(course.submitted.iterdir()):
        if not student_dir.is_dir() or (students and student_dir.name not in students):
            continue
        for assignment in assignments:
            if (student_dir / assignment).is_dir():
                pairs.append((student_dir.name, assignment))
    return pairs


def _snapshot_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() or p.is_symlink()]


def prepare_job(course: Course, student: str, assignment: str, common: dict, force: bool,
                in_gradebook=lambda student, assignment: True) -> Job:
    """Create or refresh the job's folder; decide whether it must run, only be merged, or
    nothing (graded with the same inputs, and its grade is in the gradebook)."""
    source = course.submitted / student / assignment
    folder = course.jobs / assignment / student
    files = _snapshot_files(source)
    settings = {k: common[k] for k in ("template_fingerprint", "limits", "isolate", "nbgrader_config", "duedate",
                                       "feedback")}
    # threads per kernel follow the number of workers; they change speed, not grades
    settings["limits"] = {k: v for k, v in settings["limits"].items() if k != "threads"}
    settings = json.dumps(settings, sort_keys=True)
    fingerprint = _stable_digest(student, file_digest(files, source), settings, GRADER_VERSION)
    job = Job(student, assignment, folder, fingerprint)
    if not force:
        merged, result = folder / "merged.json", folder / "result.json"
        if (merged.exists() and json.loads(merged.read_text()).get("fingerprint") == fingerprint
                and result.exists() and in_gradebook(student, assignment)):
            job.state = "done"
            return job
        if result.exists():
            try:
                if json.loads(result.read_text()).get("fingerprint") == fingerprint:
                    job.state = "merge"
                    return job
            except ValueError:
                pass
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "input").mkdir(parents=True)
    for path in files:
        target = folder / "input" / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            target.symlink_to(os.readlink(path))
        else:
            shutil.copyfile(path, target)
    spec = {"student": student, "assignment": assignment, "fingerprint": fingerprint, **common,
            "template": os.path.relpath(common["template"], folder)}  # the jobs folder can move
    (folder / "job.json").write_text(json.dumps(spec, indent=1))
    return job


def _stable_digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def read_result(job: Job) -> JobResult | None:
    """The job's result, if it is one of these very inputs."""
    result = JobResult.load(job.folder / "result.json")
    return result if result is not None and result.fingerprint == job.fingerprint else None

"""One grading job: one student's submission of one assignment, graded in its own folder.

A job folder holds everything the job reads and writes:

    job.json          what to grade and how (written by the grader, see grade.py)
    input/            a snapshot of the student's submitted folder
    course/           a private nbgrader course: source/ release/ gradebook.db (copied from
                      the assignment's template), submitted/ (what submission.prepare
                      chose), then autograded/ and feedback/ written by nbgrader
    sandbox/          the kernel's sandbox spec, its mount point and exit reports
    execution/        per-notebook reports of GuardedExecute
    job.log           nbgrader's log and anything the kernels printed outside cells
    result.json       scores per graded cell, issues, failures, timings (written last)

A job needs nothing else from the course but its assignment's template, which job.json
names relative to the job folder (the nbgrader settings travel in job.json, and what the
kernel may read is worked out on the machine that runs it), so a copy of the jobs folder
can be graded on another machine; the grader merges result.json and the two output
folders into the real gradebook and course folders (merge.py), as the only writer.

Inside the job, grading is nbgrader's `autograde` (in process, through NbGraderAPI) with
two preprocessors of ours in its sanitize chain (sanitize.py) and nbgrader's Execute
replaced by GuardedExecute (execute.py), then nbgrader's `generate_feedback` with the
hidden tests removed (feedback.py).
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import traceback
import warnings
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds,
                                    IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec,
                                    SaveAutoGrades)
from traitlets.config import Config

from . import feedback, outcome, sandbox, submission
from .execute import GuardedExecute
from .result import Issue, IssueKind, JobResult, Status
from .sanitize import RestoreLayout, RestoreMetadata

# nbgrader's gradebook API triggers this SQLAlchemy 2 warning on every new submission
warnings.filterwarnings("ignore", message=".*not in session, add operation along.*")

SANITIZE = [ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreMetadata, RestoreLayout, OverwriteCells,
            CheckCellMetadata]
# nbgrader's own list ends with CheckCellMetadata too, which validates again the cell metadata
# that the sanitizing pass has just validated and none of these change (0.12 s per job)
AUTOGRADE = [GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
             AssignLatePenalties]


def _write_json(path: Path, data) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str))
    os.replace(tmp, path)


def nbgrader_config(spec: dict, work: Path, jobdir: Path, ipc_dir: str) -> Config:
    limits = spec["limits"]
    config = Config(spec["nbgrader_config"])
    config.CourseDirectory.root = str(work)
    config.CourseDirectory.course_id = spec.get("course_id", "")
    for trait, folder in [("source_directory", "source"), ("release_directory", "release"),
                          ("submitted_directory", "submitted"), ("autograded_directory", "autograded"),
                          ("feedback_directory", "feedback")]:
        setattr(config.CourseDirectory, trait, folder)
    config.CourseDirectory.db_url = f"sqlite:///{work / 'gradebook.db'}"
    config.Autograde.sanitize_preprocessors = SANITIZE
    config.Autograde.autograde_preprocessors = AUTOGRADE
    config.Autograde.create_student = True
    config.RestoreMetadata.release_directory = str(work / "release")
    config.RestoreLayout.release_directory = str(work / "release")
    if limits.get("cell_timeout"):
        config.GuardedExecute.timeout = limits["cell_timeout"]
    config.GuardedExecute.notebook_timeout = limits["notebook_timeout"]
    config.GuardedExecute.max_output_bytes = limits["output_bytes"]
    config.GuardedExecute.max_kernel_restarts = limits["kernel_restarts"]
    config.GuardedExecute.report_directory = str(jobdir / "execution")
    config.GuardedExecute.source_directory = str(work / "source")  # the tests run in the checker, from here
    config.GuardedExecute.channel_directory = ipc_dir
    config.SandboxKernelManager.sandbox_spec = str(jobdir / "sandbox" / "spec.json")
    config.GenerateFeedback.preprocessors = feedback.PREPROCESSORS
    return config


def _readonly_paths(jobdir: Path, spec: dict) -> list[str]:
    """What the kernel may read on the machine that runs the job: its system and Python,
    never the course's grading files (spec["forbidden"]) nor this job's folder."""
    if not spec["isolate"]:
        return []
    return sandbox.readonly_paths(sys.executable, [*spec.get("forbidden", []), str(jobdir)])


def _template(jobdir: Path, spec: dict) -> Path:
    """The assignment's grading template: job.json names it relative to the job folder."""
    return (jobdir / spec["template"]).resolve()


def _new_course(jobdir: Path, template: Path) -> Path:
    """The job's private nbgrader course, from the assignment's template."""
    work = jobdir / "course"
    for stale in (work, jobdir / "execution", jobdir / "sandbox"):
        if stale.exists():
            shutil.rmtree(stale)
    (jobdir / "result.json").unlink(missing_ok=True)
    work.mkdir()
    for folder in ("source", "release"):
        shutil.copytree(template / folder, work / folder)
    shutil.copyfile(template / "gradebook.db", work / "gradebook.db")
    return work


def _autograde(jobdir: Path, spec: dict, work: Path, result: JobResult, zygote: str | None) -> NbGraderAPI:
    """nbgrader's autograde of the submission, its kernels in their sandboxes; the result
    gets the scores, failures, issues and timings."""
    student, assignment, limits = result.student, result.assignment, spec["limits"]
    (jobdir / "sandbox").mkdir()
    # the kernel's working folder is the autograded copy nbgrader prepares; its sockets
    # (ZeroMQ's and the grading channel's) live in a folder with a short path
    ipc_dir = tempfile.mkdtemp(prefix="regcourse-")
    kernel_spec = sandbox.make_spec(
        workdir=str(work / "autograded" / student / assignment), scratch=str(jobdir / "sandbox" / "kernel"),
        readonly=_readonly_paths(jobdir, spec), isolate=spec["isolate"], memory_mb=limits["memory_mb"],
        ipc_dir=ipc_dir, tmp_mb=limits["tmp_mb"], forbidden=spec.get("forbidden", []),
        threads=limits.get("threads", 0), cpus=limits.get("threads", 0), zygote=zygote)
    _write_json(jobdir / "sandbox" / "spec.json", kernel_spec)
    api = NbGraderAPI(config=nbgrader_config(spec, work, jobdir, ipc_dir))
    started = time.monotonic()
    try:
        done = api.autograde(assignment, student, force=True, create=True)
    finally:
        shutil.rmtree(ipc_dir, ignore_errors=True)
    result.timing["autograde_seconds"] = round(time.monotonic() - started, 3)
    with open(jobdir / "job.log", "a") as log:
        log.write(done.get("log", "") + "\n" + (done.get("error") or "") + "\n")
    issues, timing = outcome.execution_issues(jobdir / "execution", work / "release" / assignment)
    result.timing.update(timing)
    result.issues += issues
    if done["success"]:
        outcome.record_scores(result, work)
        result.failures = outcome.failures(result, work / "autograded" / student / assignment,
                                           outcome.misconceptions(jobdir / "execution"))
    else:
        exceptions = [line.strip() for line in (done.get("log") or "").splitlines()
                      if re.match(r"^[\w.]+(Error|Exception)\b", line.strip()) and "Traceback" not in line]
        reason = exceptions[-1] if exceptions else "nbgrader autograde failed (see job.log)"
        result.status = Status.ERROR
        result.issues.append(Issue(IssueKind.GRADER_ERROR, f"nbgrader could not grade it: {outcome.first_line(reason)}"))
        result.tasks = outcome.zero_tasks(work, assignment, needs_manual_grade=True)
    return api


def _finish(jobdir: Path, result: JobResult, started: float) -> JobResult:
    score = sum(task.score or 0.0 for task in result.tasks.values()) - result.late_penalty
    result.score, result.max_score = max(0.0, score), sum(task.max_score for task in result.tasks.values())
    result.timing["job_seconds"] = round(time.monotonic() - started, 3)
    result.save(jobdir / "result.json")
    return result


def run(jobdir: Path, zygote: str | None = None) -> JobResult:
    """Grade the job in jobdir (its kernels forked from the kernel zygote at `zygote`, if
    given: warm.py); write and return its result."""
    jobdir = Path(jobdir).resolve()
    started = time.monotonic()
    spec = json.loads((jobdir / "job.json").read_text())
    threads = spec["limits"].get("threads", 0)
    if threads:  # the checker's share of the cores too (TensorFlow reads these at its first operation)
        os.environ.update({name: str(threads) for name in sandbox.THREAD_VARIABLES})
    result = JobResult(spec["student"], spec["assignment"], spec["fingerprint"], isolated=spec["isolate"])
    work = _new_course(jobdir, _template(jobdir, spec))
    release = work / "release" / result.assignment
    issues, result.graded_notebooks = submission.prepare(
        jobdir / "input", release, work / "submitted" / result.student / result.assignment)
    result.issues += issues
    if spec.get("duedate"):
        with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gb:
            gb.update_or_create_assignment(result.assignment, duedate=spec["duedate"])
    if result.graded_notebooks:
        api = _autograde(jobdir, spec, work, result, zygote)
    else:
        result.tasks = outcome.zero_tasks(work, result.assignment)
    if spec.get("feedback", True):
        pages = work / "feedback" / result.student / result.assignment
        if result.graded_notebooks and result.status == Status.GRADED:
            started_feedback = time.monotonic()
            feedback.generate(api, work, jobdir / "job.log", result)
            result.timing["feedback_seconds"] = round(time.monotonic() - started_feedback, 3)
        feedback.pages_for_ungraded(pages, release, result)
    sandbox.remove_stale_cgroups(f"regcourse-{os.getpid()}-")
    return _finish(jobdir, result, started)


def failed_result(jobdir: Path, reason: str, kind: IssueKind = IssueKind.GRADER_ERROR) -> JobResult:
    """The result of a job whose process could not finish (killed, crashed): written by the
    grader, so that the submission still gets a row, a zero, the reason and a feedback page."""
    jobdir = Path(jobdir)
    spec = json.loads((jobdir / "job.json").read_text())
    template = _template(jobdir, spec)
    result = JobResult(spec["student"], spec["assignment"], spec["fingerprint"], status=Status.ERROR,
                       isolated=spec["isolate"], issues=[Issue(kind, reason)],
                       tasks=outcome.zero_tasks(template, spec["assignment"], needs_manual_grade=True))
    pages = jobdir / "course" / "feedback" / result.student / result.assignment
    shutil.rmtree(pages, ignore_errors=True)
    if spec.get("feedback", True):
        feedback.pages_for_ungraded(pages, template / "release" / result.assignment, result)
    return _finish(jobdir, result, time.monotonic())


def _watch_parent(pid: int) -> None:
    """End this job if the grader that started it is gone (its kernels follow)."""
    while True:
        time.sleep(1)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(3)


def run_in_process(jobdir: str, parent_pid: int, zygote: str | None = None) -> None:
    """Entry point of a worker process: own process group, output to job.log, one job."""
    os.setsid()
    jobdir = Path(jobdir)
    log = os.open(jobdir / "job.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    lock = open(jobdir / "lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        run(jobdir, zygote)
    except BaseException:  # noqa: BLE001 - record why, the grader turns it into a result
        traceback.print_exc()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":  # python -m autograder.job JOBDIR: grade one prepared job here
    run(Path(sys.argv[1]))
    print((Path(sys.argv[1]) / "result.json").read_text())

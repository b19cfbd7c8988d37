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

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds,
                                    IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec,
                                    SaveAutoGrades)
from traitlets.config import Config

from . import feedback, sandbox, submission
from .execute import GuardedExecute
from .sanitize import RestoreLayout, RestoreMetadata

# nbgrader's gradebook API triggers this SQLAlchemy 2 warning on every new submission
warnings.filterwarnings("ignore", message=".*not in session, add operation along.*")

SANITIZE = [ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreMetadata, RestoreLayout, OverwriteCells,
            CheckCellMetadata]
AUTOGRADE = [GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
             AssignLatePenalties, CheckCellMetadata]


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


def _scores(work: Path, assignment: str, student: str) -> tuple[dict, dict]:
    """Scores per graded cell and facts about the submission, from the job's gradebook."""
    tasks, info = {}, {}
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gb:
        sub = gb.find_submission(assignment, student)
        info = {"timestamp": sub.timestamp.isoformat() if sub.timestamp else None,
                "late_penalty": float(sub.late_submission_penalty or 0),
                "late_penalties": {nb.name: nb.late_submission_penalty for nb in sub.notebooks}}
        for nb in sub.notebooks:
            for grade in nb.grades:
                tasks[grade.name] = {"notebook": nb.name, "score": grade.score, "max_score": grade.max_score,
                                     "auto_score": grade.auto_score, "needs_manual_grade": grade.needs_manual_grade}
    return tasks, info


def _zero_scores(work: Path, assignment: str, needs_manual_grade: bool = False) -> dict:
    """Every graded cell of the assignment with 0 points (nothing could be graded), from the
    gradebook in folder `work`; flagged for manual grading when the grader itself failed."""
    tasks = {}
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gb:
        for nb in gb.find_assignment(assignment).notebooks:
            for cell in nb.grade_cells:
                tasks[cell.name] = {"notebook": nb.name, "score": 0.0, "max_score": cell.max_score,
                                    "auto_score": 0.0, "needs_manual_grade": needs_manual_grade}
    return tasks


def _first_line(text: str, limit: int = 300) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[:limit] + "..."


def _failures(work: Path, assignment: str, student: str, tasks: dict) -> list[dict]:
    """Why each graded cell lost points: the error its test raised."""
    failures = []
    notebooks = {}
    for gid, task in tasks.items():
        if task["score"] is not None and task["score"] >= task["max_score"]:
            continue
        name = task["notebook"]
        if name not in notebooks:
            path = work / "autograded" / student / assignment / f"{name}.ipynb"
            notebooks[name] = nbformat.read(path, as_version=4) if path.exists() else None
        nb, message = notebooks[name], "not graded (notebook missing)"
        if nb is not None:
            message = "no error output"
            for cell in nb.cells:
                if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == gid:
                    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                    stderr = [o for o in cell.get("outputs", []) if o.get("name") == "stderr"]
                    if errors:
                        message = _first_line(f"{errors[-1].get('ename')}: {errors[-1].get('evalue')}")
                    elif stderr:
                        message = "the cell wrote to stderr: " + _first_line(stderr[0].get("text", ""))
                    elif task["score"] is None:
                        message = "needs manual grading"
                    else:
                        message = "partial credit"
        failures.append({"grade_id": gid, "score": task["score"], "max_score": task["max_score"], "message": message})
    return failures


def _execution_issues(jobdir: Path, release: Path) -> tuple[list[dict], dict]:
    """Issues from the execution reports (limits hit, kernels lost, errors in solution cells)."""
    solution_ids, graded_ids = set(), set()
    for path in release.glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("solution"):
                solution_ids.add(meta.get("grade_id"))
            if meta.get("grade"):
                graded_ids.add(meta.get("grade_id"))
    issues, timing = [], {"kernel_start_seconds": 0.0, "cell_seconds": 0.0, "restarts": 0}
    for path in sorted((jobdir / "execution").glob("*.json")):
        report = json.loads(path.read_text())
        for key in ("kernel_start_seconds", "cell_seconds", "restarts"):
            timing[key] += report.get(key, 0)
        name = report["notebook"]
        for cell in report["cells"]:
            where = f"{name}: cell {cell['grade_id'] or '#' + str(cell['index'])}"
            status, message = cell["status"], cell["message"]
            if status == "timeout":
                issues.append({"kind": "timeout", "message": f"{where}: {message}"})
            elif status == "kernel died":
                kind = "memory_limit" if "memory" in message else "kernel_died"
                issues.append({"kind": kind, "message": f"{where}: {message}"})
            elif status == "error" and cell["grade_id"] in solution_ids:
                issues.append({"kind": "solution_error", "message": f"{where} raised {message}"})
            elif status == "error" and cell["grade_id"] not in graded_ids:
                issues.append({"kind": "cell_error", "message": f"{where} raised {message}"})
            if cell.get("truncated"):
                issues.append({"kind": "output_truncated", "message": f"{where}: output beyond the limit was cut"})
        if report.get("stop_reason"):
            issues.append({"kind": "not_run", "message": f"{name}: later cells {report['stop_reason']}"})
    return issues, timing


def _nbgrader_feedback(api: NbGraderAPI, work: Path, jobdir: Path, student: str, assignment: str,
                       issues: list[dict]) -> float:
    """nbgrader's generate_feedback with the grader's notes on each page; a page that still
    shows a hidden test line is deleted and reported. Returns the seconds it took."""
    t0 = time.monotonic()
    made = api.generate_feedback(assignment, student, force=True)
    with open(jobdir / "job.log", "a") as log:
        log.write(made.get("log", "") + "\n" + (made.get("error") or "") + "\n")
    if not made["success"]:
        issues.append({"kind": "feedback_error", "message": "nbgrader generate_feedback failed (see job.log)"})
    notes = feedback.notes_for_students(issues)
    for html in (work / "feedback" / student / assignment).glob("*.html"):
        page = feedback.with_notes(html.read_text(), notes)
        source = work / "source" / assignment / f"{html.stem}.ipynb"
        submitted = work / "submitted" / student / assignment / f"{html.stem}.ipynb"
        theirs = [c.source for c in nbformat.read(submitted, as_version=4).cells] if submitted.exists() else []
        leaked = feedback.hidden_lines_in(page, source, theirs) if source.exists() else []
        if leaked:
            html.unlink()
            issues.append({"kind": "feedback_withheld",
                           "message": f"{html.name} withheld: it showed hidden test lines ({leaked[0]!r})"})
        else:
            html.write_text(page)
    return round(time.monotonic() - t0, 3)


def _add_notes_and_missing_pages(folder: Path, release: Path, assignment: str, graded: list[str],
                                 issues: list[dict], tasks: dict) -> None:
    """A feedback page that says why for every notebook of the release that was not graded."""
    notes = feedback.notes_for_students(issues)
    for notebook in sorted(p.stem for p in release.glob("*.ipynb")):
        page = folder / f"{notebook}.html"
        if notebook in graded or page.exists():
            continue  # graded: nbgrader's page (or none, when withheld)
        max_score = sum(t["max_score"] for t in tasks.values() if t["notebook"] == notebook)
        folder.mkdir(parents=True, exist_ok=True)
        page.write_text(feedback.page_without_notebook(assignment, notebook, max_score, notes))


def _readonly_paths(jobdir: Path, spec: dict) -> list[str]:
    """What the kernel may read on the machine that runs the job: its system and Python,
    never the course's grading files (spec["forbidden"]) nor this job's folder."""
    if not spec["isolate"]:
        return []
    return sandbox.readonly_paths(sys.executable, [*spec.get("forbidden", []), str(jobdir)])


def _template(jobdir: Path, spec: dict) -> Path:
    """The assignment's grading template: job.json names it relative to the job folder."""
    return (jobdir / spec["template"]).resolve()


def run(jobdir: Path) -> dict:
    """Grade the job in jobdir; write and return its result."""
    jobdir = Path(jobdir).resolve()
    started = time.monotonic()
    spec = json.loads((jobdir / "job.json").read_text())
    student, assignment = spec["student"], spec["assignment"]
    template = _template(jobdir, spec)
    work = jobdir / "course"
    for stale in (work, jobdir / "execution", jobdir / "sandbox"):
        if stale.exists():
            shutil.rmtree(stale)
    (jobdir / "result.json").unlink(missing_ok=True)
    work.mkdir()
    for folder in ("source", "release"):
        shutil.copytree(template / folder, work / folder)
    shutil.copyfile(template / "gradebook.db", work / "gradebook.db")
    release = work / "release" / assignment
    dest = work / "submitted" / student / assignment
    issues, graded = submission.prepare(jobdir / "input", release, dest)
    issues = [i.to_dict() for i in issues]
    result = {"student": student, "assignment": assignment, "fingerprint": spec["fingerprint"],
              "status": "graded", "issues": issues, "failures": [], "graded_notebooks": graded,
              "isolated": spec["isolate"]}
    timing = {}
    if spec.get("duedate"):
        with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gb:
            gb.update_or_create_assignment(assignment, duedate=spec["duedate"])

    outcome = {"success": False}
    if not graded:
        tasks, info = _zero_scores(work, assignment), {"timestamp": None, "late_penalty": 0.0}
    else:
        # the kernel's sandbox: its working folder is the autograded copy nbgrader prepares; its
        # sockets (ZeroMQ's and the grading channel's) live in a folder with a short path
        (jobdir / "sandbox").mkdir()
        limits = spec["limits"]
        ipc_dir = tempfile.mkdtemp(prefix="regcourse-")
        kernel_spec = sandbox.make_spec(
            workdir=str(work / "autograded" / student / assignment), scratch=str(jobdir / "sandbox" / "kernel"),
            readonly=_readonly_paths(jobdir, spec), isolate=spec["isolate"], memory_mb=limits["memory_mb"],
            ipc_dir=ipc_dir, tmp_mb=limits["tmp_mb"], forbidden=spec.get("forbidden", []),
            threads=limits.get("threads", 0), cpus=limits.get("threads", 0))
        _write_json(jobdir / "sandbox" / "spec.json", kernel_spec)
        api = NbGraderAPI(config=nbgrader_config(spec, work, jobdir, ipc_dir))
        t0 = time.monotonic()
        outcome = api.autograde(assignment, student, force=True, create=True)
        shutil.rmtree(ipc_dir, ignore_errors=True)
        timing["autograde_seconds"] = round(time.monotonic() - t0, 3)
        with open(jobdir / "job.log", "a") as log:
            log.write(outcome.get("log", "") + "\n" + (outcome.get("error") or "") + "\n")
        execution_issues, execution_timing = _execution_issues(jobdir, release)
        timing.update(execution_timing)
        issues.extend(execution_issues)
        if outcome["success"]:
            tasks, info = _scores(work, assignment, student)
            result["failures"] = _failures(work, assignment, student, tasks)
        else:
            result["status"] = "error"
            log_lines = (outcome.get("log") or "").splitlines()
            exceptions = [line.strip() for line in log_lines
                          if re.match(r"^[\w.]+(Error|Exception)\b", line.strip()) and "Traceback" not in line]
            reason = exceptions[-1] if exceptions else "nbgrader autograde failed (see job.log)"
            issues.append({"kind": "grader_error", "message": f"nbgrader could not grade it: {_first_line(reason)}"})
            tasks = _zero_scores(work, assignment, needs_manual_grade=True)
            info = {"timestamp": None, "late_penalty": 0.0}

    if spec.get("feedback", True):
        feedback_ok = graded and outcome["success"]
        if feedback_ok:
            timing["feedback_seconds"] = _nbgrader_feedback(api, work, jobdir, student, assignment, issues)
        _add_notes_and_missing_pages(work / "feedback" / student / assignment, release, assignment,
                                     graded if feedback_ok else [], issues, tasks)
    sandbox.remove_stale_cgroups(f"regcourse-{os.getpid()}-")
    score = sum((t["score"] or 0.0) for t in tasks.values()) - info.get("late_penalty", 0.0)
    result.update(tasks=tasks, score=max(0.0, score), max_score=sum(t["max_score"] for t in tasks.values()), **info)
    timing["job_seconds"] = round(time.monotonic() - started, 3)
    result["timing"] = timing
    _write_json(jobdir / "result.json", result)
    return result


def failed_result(jobdir: Path, reason: str) -> dict:
    """The result of a job whose process could not finish (killed, crashed): written by the
    grader, so that the submission still gets a row, a zero, the reason and a feedback page."""
    jobdir = Path(jobdir)
    spec = json.loads((jobdir / "job.json").read_text())
    template = _template(jobdir, spec)
    student, assignment = spec["student"], spec["assignment"]
    tasks = _zero_scores(template, assignment, needs_manual_grade=True)
    issues = [{"kind": "grader_error", "message": reason}]
    result = {"student": student, "assignment": assignment, "fingerprint": spec["fingerprint"],
              "status": "error", "issues": issues, "failures": [],
              "graded_notebooks": [], "isolated": spec["isolate"], "tasks": tasks, "score": 0.0,
              "max_score": sum(t["max_score"] for t in tasks.values()), "timestamp": None, "late_penalty": 0.0,
              "timing": {}}
    pages = jobdir / "course" / "feedback" / student / assignment
    shutil.rmtree(pages, ignore_errors=True)
    if spec.get("feedback", True):
        _add_notes_and_missing_pages(pages, template / "release" / assignment, assignment, [], issues, tasks)
    _write_json(jobdir / "result.json", result)
    return result


def _watch_parent(pid: int) -> None:
    """End this job if the grader that started it is gone (its kernels follow)."""
    while True:
        time.sleep(1)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(3)


def run_in_process(jobdir: str, parent_pid: int) -> None:
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
        run(jobdir)
    except BaseException:  # noqa: BLE001 - record why, the grader turns it into a result
        traceback.print_exc()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":  # python -m autograder.job JOBDIR: grade one prepared job here
    print(json.dumps(run(Path(sys.argv[1])), indent=1, default=str))

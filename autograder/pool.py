"""Running grading jobs side by side on this machine: one worker process per job, at most
`workers` at a time, started from a forkserver that has nbgrader imported; a job that
runs past its deadline is killed with everything it started. The caller gets each
result, in this process, as the job ends (it merges them: the single writer)."""
from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
import time
from collections import deque

from .jobs import Job, read_result
from .result import JobResult


class Progress:
    """A progress bar with an ETA on a terminal; one line per finished job otherwise."""

    def __init__(self, total: int, quiet: bool = False, stream=sys.stderr):
        self.total, self.quiet, self.stream = total, quiet, stream
        self.done, self.started = 0, time.monotonic()
        self.tty = stream.isatty()

    @staticmethod
    def _clock(seconds: float) -> str:
        seconds = int(seconds)
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"

    def eta(self) -> str:
        if not self.done:
            return "ETA --"
        elapsed = time.monotonic() - self.started
        return "ETA " + self._clock(elapsed / self.done * (self.total - self.done))

    def line(self, running: int) -> str:
        width = 30
        filled = int(width * self.done / max(1, self.total))
        return (f"grading [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}"
                f" ({running} running) {self._clock(time.monotonic() - self.started)} {self.eta()}")

    def tick(self, running: int) -> None:
        if self.tty and not self.quiet:
            self.stream.write("\r" + self.line(running) + "  ")
            self.stream.flush()

    def finished(self, result: JobResult, running: int) -> None:
        self.done += 1
        if self.quiet:
            return
        attention = result.needs_attention()
        note = f" (needs attention: {attention[0].split(':')[0]})" if attention else ""
        text = (f"{result.student} {result.assignment}: {result.status.value}, "
                f"{result.score:g}/{result.max_score:g}{note}")
        if self.tty:
            self.stream.write("\r" + " " * 100 + "\r" + text + "\n")
            self.tick(running)
        else:
            self.stream.write(f"[{self.done}/{self.total}] {text}; {self.eta()}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty and not self.quiet:
            self.stream.write("\r" + self.line(0) + "\n")


def _context():
    ctx = multiprocessing.get_context("forkserver")
    # every worker starts with nbgrader, its HTML exporter (feedback) and TensorFlow (for the
    # checker) imported; no TensorFlow operation runs before the fork
    ctx.set_forkserver_preload(["autograder.job", "nbconvert.exporters.html", "keras"])
    return ctx


def start_forkserver() -> None:
    """Start the workers' forkserver now (its imports take seconds), while the caller prepares."""
    _context()
    with _MainNotReimported():
        multiprocessing.forkserver.ensure_running()


class _MainNotReimported:
    """multiprocessing re-runs the main script in each worker when it is a file; when it is
    not one (python - < script, some notebooks) that fails, so hide its name while starting."""

    def __enter__(self):
        self.main = sys.modules["__main__"]
        self.path = getattr(self.main, "__file__", None)
        hide = self.path is not None and getattr(self.main, "__spec__", None) is None and not os.path.isfile(self.path)
        if hide:
            del self.main.__file__
        else:
            self.path = None

    def __exit__(self, *exc):
        if self.path is not None:
            self.main.__file__ = self.path


def _kill(process) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the job and what it started in its group
    except (ProcessLookupError, PermissionError):
        pass
    process.join(5)


def run_jobs(jobs: list[Job], workers: int, deadline: float, on_result, progress: Progress,
             zygote: str | None = None) -> bool:
    """Run jobs in worker processes; call on_result(job, result) as each ends, in this
    process. Returns False if interrupted."""
    from . import job as job_module

    ctx = _context()
    pending, running = deque(jobs), {}
    try:
        while pending or running:
            while pending and len(running) < workers:
                job = pending.popleft()
                (job.folder / "result.json").unlink(missing_ok=True)
                process = ctx.Process(target=job_module.run_in_process, args=(str(job.folder), os.getpid(), zygote),
                                      name=f"grade {job.student} {job.assignment}")
                with _MainNotReimported():
                    process.start()
                running[process] = (job, time.monotonic())
            time.sleep(0.2)
            for process, (job, started) in list(running.items()):
                reason = None
                if not process.is_alive():
                    process.join()
                    if process.exitcode != 0:
                        reason = f"the grading process ended with status {process.exitcode} (see {job.folder / 'job.log'})"
                elif time.monotonic() - started > deadline:
                    _kill(process)
                    reason = f"grading took longer than {deadline:.0f} s and was stopped"
                else:
                    continue
                del running[process]
                result = read_result(job)
                if result is None:
                    result = job_module.failed_result(job.folder, reason or "the job wrote no result")
                # from starting its process to its end, as seen by this process
                result.timing["wall_seconds"] = round(time.monotonic() - started, 3)
                on_result(job, result)
                progress.finished(result, len(running))
            progress.tick(len(running))
    except KeyboardInterrupt:
        for process in running:
            _kill(process)
        return False
    return True



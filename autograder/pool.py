"""Running grading jobs side by side on this machine: one worker process per job, at most
`workers` at a time, started from a forkserver that has nbgrader imported; a job that
runs past its deadline is killed with everything it started. The caller gets each
result, in this process, as the job ends (it merges them: the single writer)."""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
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
    ctx.set_forkserver_preload(["autograder.preload"])  # what every job process starts with
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


class JobProcess:
    """One job in a process of its own, forked from the forkserver, in its own process group,
    killed with everything it started when it runs past its deadline (seconds)."""

    def __init__(self, job: Job, deadline: float, zygote: str | None = None):
        from . import job as job_module

        self.job, self.deadline, self.reason = job, deadline, None
        (job.folder / "result.json").unlink(missing_ok=True)
        self.process = _context().Process(target=job_module.run_in_process, args=(str(job.folder), os.getpid(), zygote),
                                          name=f"grade {job.student} {job.assignment}")
        with _MainNotReimported():
            self.process.start()
        self.started = time.monotonic()

    def ended(self) -> bool:
        """Whether the job has ended, by itself or killed at its deadline."""
        if not self.process.is_alive():
            self.process.join()
            if self.process.exitcode != 0:
                self.reason = f"the grading process ended with status {self.process.exitcode} (see the job's job.log)"
            return True
        if time.monotonic() - self.started > self.deadline:
            self.kill()
            self.reason = f"grading took longer than {self.deadline:.0f} s and was stopped"
            return True
        return False

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # the job and what it started in its group
        except (ProcessLookupError, PermissionError):
            pass
        self.process.join(5)

    def result(self) -> JobResult:
        """The ended job's result: the one it wrote, else a failed one with the reason."""
        from . import job as job_module

        result = read_result(self.job) or job_module.failed_result(self.job.folder, self.reason or "the job wrote no result")
        result.timing["wall_seconds"] = round(time.monotonic() - self.started, 3)  # from its process's start to its end
        return result


def run_jobs(jobs: list[Job], workers: int, deadline: float, on_result, progress: Progress,
             zygote: str | None = None) -> bool:
    """Run jobs in worker processes; call on_result(job, result) as each ends, in this
    process. Returns False if interrupted."""
    pending, running = deque(jobs), []
    try:
        while pending or running:
            while pending and len(running) < workers:
                running.append(JobProcess(pending.popleft(), deadline, zygote))
            multiprocessing.connection.wait([p.process.sentinel for p in running], timeout=0.2)  # until one ends
            for process in [p for p in running if p.ended()]:
                running.remove(process)
                result = process.result()
                on_result(process.job, result)
                progress.finished(result, len(running))
            progress.tick(len(running))
    except KeyboardInterrupt:
        for process in running:
            process.kill()
        return False
    return True

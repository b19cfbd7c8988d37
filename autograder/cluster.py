"""Grading on a Dask cluster: the grader's side (worker.py is the workers').

    --cluster local            a Dask LocalCluster on this machine (one worker process per job at a time)
    --cluster slurm|pbs|sge    workers started through the queue by dask-jobqueue
    --scheduler ADDRESS        an existing Dask cluster (workers started by you, dask-kubernetes, Gateway)

`run_jobs` keeps the local pool's contract (pool.run_jobs): the caller gets each job's
result in this process as the job ends, merges it (the single writer of the gradebook) and
sees progress and an ETA. Jobs travel as data: each task carries its job's inputs, the
templates travel once per worker inside the worker plugin, and the outputs come back with
the task's result; with --shared-dir the workers grade the job folders in place.

A worker that dies mid-job is replaced and its job run again elsewhere (the scheduler's
`distributed.scheduler.allowed-failures`, 3 by default). The scheduler counts a worker's
death against every task the worker held, also one waiting behind the task that killed it,
so a job declared lost is submitted once more; one that kills every worker it runs on again
gets an error result with the reason, 0 points, and the run goes on. A task that
fails (a worker that cannot isolate, other grader code) is retried once, then reported the
same way.
"""
from __future__ import annotations

import contextlib
import hashlib
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import dask
from distributed import Client, KilledWorker, LocalCluster

from . import job as job_module
from . import parcel, worker
from .jobs import Job, read_result
from .pool import Progress
from .result import IssueKind, JobResult

if TYPE_CHECKING:
    from .grade import Engine

RETRIES = 1  # for a task that raised; a dead worker is the scheduler's allowed-failures


def _jobqueue(engine: Engine, workers: int):
    import dask_jobqueue
    import yaml

    if engine.config:
        try:
            settings = yaml.safe_load(Path(engine.config).read_text()) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{engine.config} is not a valid YAML file: {exc}") from exc
        dask.config.update(dask.config.config, settings, priority="new")
    kind = {"slurm": dask_jobqueue.SLURMCluster, "pbs": dask_jobqueue.PBSCluster, "sge": dask_jobqueue.SGECluster}
    given = {"queue": engine.queue, "account": engine.account, "cores": engine.cores, "memory": engine.memory,
             "walltime": engine.walltime}
    options = {key: value for key, value in given.items() if value}
    cores = options.get("cores") or dask.config.get(f"jobqueue.{engine.kind}.cores", None)
    if not cores or not (options.get("memory") or dask.config.get(f"jobqueue.{engine.kind}.memory", None)):
        raise ValueError(f"--cluster {engine.kind} needs the cores and memory of a batch job: "
                         "--cores-per-job and --memory-per-job, or a --cluster-config file that sets them")
    submit = kind[engine.kind].job_cls.submit_command
    if not shutil.which(submit):
        raise ValueError(f"--cluster {engine.kind} submits worker jobs with {submit}, which is not on PATH here "
                         "(run the grader where jobs can be submitted, e.g. the cluster's login node)")
    cluster = kind[engine.kind](processes=int(cores), **options)  # one single-threaded worker per core
    cluster.scale(n=workers)
    return cluster


@contextlib.contextmanager
def connect(engine: Engine, workers: int):
    """A client of the engine's Dask cluster: started here (and closed at the end) or existing."""
    if engine.kind == "scheduler":
        with Client(engine.address, timeout="30s") as client:
            yield client
        return
    if engine.kind == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    else:
        cluster = _jobqueue(engine, workers)
    with cluster, Client(cluster) as client:
        yield client


def describe(client: Client) -> str:
    workers = client.nthreads()
    return f"on the Dask cluster at {client.scheduler.address} ({sum(workers.values())} worker threads now)"


def unfit_workers(client: Client, isolate: bool) -> dict[str, str]:
    """The workers connected now that cannot grade this run's jobs, and why (worker.unfit)."""
    found = client.run(worker.unfit, worker.code_digest(), isolate)
    return {address: why for address, why in found.items() if why}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]


class _Running:
    """How many jobs run at a time: at most the cluster's worker threads (asked every few seconds)."""

    def __init__(self, client: Client):
        self.client, self.threads, self.asked = client, 0, 0.0

    def __call__(self, pending: int) -> int:
        if time.monotonic() - self.asked > 5:
            self.threads, self.asked = sum(self.client.nthreads().values()), time.monotonic()
        return min(pending, self.threads)


def _lost_with_its_worker(future) -> bool:
    return future.status == "error" and isinstance(future.exception(), KilledWorker)


def _result(future, job: Job) -> JobResult:
    """The job's result from its finished task: its outputs unpacked into its folder, or
    an error result with the reason when it could not be graded."""
    try:
        outputs = future.result()
    except KilledWorker as exc:
        return job_module.failed_result(
            job.folder, f"every Dask worker that graded it died ({exc.allowed_failures + 1} workers, the last "
                        f"{exc.last_worker.address}): not tried again; see the workers' logs", IssueKind.WORKER_LOST)
    except Exception as exc:  # noqa: BLE001 - the task raised (after its retry): say why
        return job_module.failed_result(job.folder, f"a Dask worker could not grade it: {type(exc).__name__}: {exc}")
    if outputs is not None:
        parcel.unpack(outputs, job.folder)
    return read_result(job) or job_module.failed_result(job.folder, "the Dask worker returned no result")


def run_jobs(client: Client, jobs: list[Job], templates: dict[str, Path], deadline: float, on_result,
             progress: Progress, *, isolate: bool, warm: bool, shared_dir: bool, keep_scratch: bool) -> bool:
    """Grade jobs on the client's cluster (templates: assignment -> its template folder);
    call on_result(job, result) as each ends, in this process. Returns False if interrupted."""
    packed = {assignment: parcel.pack(folder, ["source", "release", "gradebook.db"])
              for assignment, folder in templates.items()}
    digests = {assignment: _digest(data) for assignment, data in packed.items()}
    plugin = worker.GradingWorker({digests[a]: data for a, data in packed.items()}, isolate, warm, worker.code_digest())
    client.register_plugin(plugin)
    def submit(job: Job):
        key = f"grade-{job.assignment}-{job.student}-{uuid.uuid4().hex[:8]}"
        if shared_dir:
            return client.submit(worker.grade_in_place, str(job.folder), job.fingerprint, deadline,
                                 key=key, retries=RETRIES)
        return client.submit(worker.grade_parcel, parcel.pack(job.folder, worker.INPUTS),
                             digests[job.assignment], deadline, keep_scratch, key=key, retries=RETRIES)

    futures, resubmitted = {}, set()
    try:
        for job in jobs:
            (job.folder / "result.json").unlink(missing_ok=True)
            futures[submit(job)] = job
        running = _Running(client)
        while futures:
            time.sleep(0.2)
            for future in [f for f in futures if f.done()]:
                job = futures.pop(future)
                if future.cancelled():
                    print(f"\nthe Dask cluster cancelled the job of {job.student} {job.assignment} "
                          "(its scheduler went away?)", file=sys.stderr)
                    return False
                if _lost_with_its_worker(future) and job.folder not in resubmitted:
                    # a dead worker counts against every task it held, also those waiting behind
                    # the one that killed it: give the job one more round before calling it lost
                    resubmitted.add(job.folder)
                    futures[submit(job)] = job
                    continue
                result = _result(future, job)
                on_result(job, result)
                progress.finished(result, running(len(futures)))
            progress.tick(running(len(futures)))
    except KeyboardInterrupt:
        return False
    finally:
        with contextlib.suppress(Exception):  # the cluster may be gone: nothing left to clean there
            client.cancel(list(futures))
            client.unregister_worker_plugin(worker.NAME)
    return True

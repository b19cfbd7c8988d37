"""The worker's side of grading on a Dask cluster (cluster.py is the grader's side).

`GradingWorker`, a worker plugin the grader registers, prepares each worker once, also one
that joins later: a scratch folder, the assignments' templates (they travel inside the
plugin, so each worker receives each template once), the forkserver that starts job
processes with nbgrader and TensorFlow imported, and a kernel zygote (warm.py) when kernels
can start warm there. Its teardown kills what still runs, closes the zygote and removes
the scratch folder.

A task grades one job exactly as the local pool does (pool.JobProcess: a process of its
own, the deadline, each kernel in its sandbox, which the job's spec demands and the worker
checks it can give): `grade_parcel` gets the job's inputs as data, grades them in the
scratch folder and returns the outputs packed; `grade_in_place` grades a job folder that
the worker sees at the grader's path (a shared filesystem, --shared-dir).
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import multiprocessing
import shutil
import tempfile
import threading
import time
from pathlib import Path

from distributed import WorkerPlugin, get_worker

from . import parcel, pool, sandbox, warm
from .jobs import Job

NAME = "regcourse-grading"
INPUTS = ["job.json", "input"]  # what a job needs besides its template
OUTPUTS = ["result.json", "job.log", "execution", "course/autograded", "course/feedback"]  # what merge reads
SCRATCH = ["result.json", "job.log", "execution", "course", "sandbox"]  # --keep-scratch: the whole working copy


def code_digest() -> str:
    """A digest of the grader's code (autograder's modules and the regcourse package): a
    worker refuses jobs from a grader whose code differs from its own."""
    regcourse = Path(importlib.util.find_spec("regcourse").submodule_search_locations[0])
    files = sorted(Path(__file__).parent.glob("*.py")) + sorted(regcourse.rglob("*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def unfit(code: str, isolate: bool) -> str:
    """Why this machine cannot grade jobs of a grader whose code digest is `code` ("": it can)."""
    if code_digest() != code:
        return "it runs other grader code than the grading run (give the workers the same checkout and venv)"
    available, why = sandbox.isolation_available() if isolate else (True, "")
    return "" if available else f"it cannot isolate student code: {why} (--isolation off grades without isolation)"


class GradingWorker(WorkerPlugin):
    """What a worker needs to grade: see the module's docstring."""

    name = NAME

    def __init__(self, templates: dict[str, bytes], isolate: bool, warm_kernels: bool, code: str):
        self.templates, self.isolate, self.warm_kernels, self.code = templates, isolate, warm_kernels, code

    def setup(self, worker) -> None:
        # Dask starts workers as daemonic processes, which multiprocessing forbids to start
        # children; a job process ends by itself when its worker is gone (job._watch_parent)
        multiprocessing.current_process().daemon = False
        self.address = worker.address
        self.root = Path(tempfile.mkdtemp(prefix="regcourse-", dir=worker.local_directory))
        for digest, data in self.templates.items():
            parcel.unpack(data, self.root / "templates" / digest)
        self.unfit = unfit(self.code, self.isolate)
        pool.start_forkserver()
        self.zygote = warm.KernelZygote(self.root / "zygote.log") \
            if self.warm_kernels and warm.available(self.isolate) else None
        self.lock, self.running = threading.Lock(), set()

    def teardown(self, worker) -> None:
        with self.lock:
            for process in self.running:
                process.kill()
        if self.zygote:
            self.zygote.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def check(self) -> None:
        """Refuse a job this worker cannot grade as the grader asked."""
        if self.unfit:
            raise RuntimeError(f"worker {self.address}: {self.unfit}")

    def grade(self, job: Job, deadline: float) -> None:
        """Grade the job in its folder here; its result.json is written, whatever happens."""
        address = self.zygote.ready() if self.zygote else None  # waits for its imports once
        with self.lock:
            process = pool.JobProcess(job, deadline, address)
            self.running.add(process)
        try:
            while not process.ended():
                time.sleep(0.2)
        finally:
            with self.lock:
                self.running.discard(process)
        process.result().save(job.folder / "result.json")


def _plugin() -> GradingWorker:
    return get_worker().plugins[NAME]


def _job(folder: Path, spec: dict) -> Job:
    return Job(spec["student"], spec["assignment"], folder, spec["fingerprint"])


def grade_parcel(inputs: bytes, template: str, deadline: float, keep_scratch: bool) -> bytes:
    """Grade a job sent as data (its INPUTS packed) against the template of that digest;
    return its outputs packed (the whole working copy with keep_scratch)."""
    plugin = _plugin()
    folder = Path(tempfile.mkdtemp(prefix="job-", dir=plugin.root))
    try:
        parcel.unpack(inputs, folder)
        spec = json.loads((folder / "job.json").read_text())
        plugin.check()
        # the template is this worker's copy; its scratch folder is as closed to kernels as the course
        spec.update(template=str(plugin.root / "templates" / template),
                    forbidden=[*spec.get("forbidden", []), str(plugin.root)])
        (folder / "job.json").write_text(json.dumps(spec, indent=1))
        plugin.grade(_job(folder, spec), deadline)
        return parcel.pack(folder, SCRATCH if keep_scratch else OUTPUTS)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def grade_in_place(folder: str, fingerprint: str, deadline: float) -> None:
    """Grade the job folder the grader prepared, seen here at the same path."""
    plugin = _plugin()
    spec_file = Path(folder) / "job.json"
    spec = json.loads(spec_file.read_text()) if spec_file.exists() else {}
    if spec.get("fingerprint") != fingerprint:
        raise RuntimeError(f"worker {plugin.address} does not see the job folder {folder} as the grader wrote it "
                           "(grade without --shared-dir when the workers do not share the course's filesystem)")
    plugin.check()
    plugin.grade(_job(Path(folder), spec), deadline)

"""Grade a whole class in one command.

    python -m autograder.grade [ASSIGNMENT ...] [--student ID ...] [--workers N] [--force]

For every submitted folder `autograder/submitted/<student>/<assignment>/` (put there by
`python -m autograder.collect`), one *job* grades that one submission with nbgrader's
autograde in a folder of its own (autograder/job.py), its kernel isolated and limited
(autograder/sandbox.py, autograder/execute.py). Jobs run side by side in worker processes
(default: one per core and one more); this process is the only one that writes the real gradebook: it
merges each job as it finishes (autograder/merge.py). Then it writes feedback HTML per
student (hidden tests removed), autograder/reports/grades.csv, and prints a summary.

Re-running grades only what is new or changed (a submission's files, the assignment's
source, the nbgrader config or the limits below); `--force` grades everything again. An
interrupted run (Ctrl-C, a crash, a reboot) loses only the jobs that were running: run
the same command again to grade the rest. A job that cannot finish (its process killed,
nbgrader failing) still gets a row: 0 points, flagged for manual grading, with the reason.

Jobs can run on a Dask cluster instead (autograder/cluster.py): `--cluster local` (a
LocalCluster here), `--cluster slurm|pbs|sge` (workers started through the queue by
dask-jobqueue) or `--scheduler ADDRESS` (an existing one); each job travels there as data
and its outputs come back to this process, which merges them as usual. Or by hand:
`--prepare-only` writes the job folders of what needs grading and prints them; `python -m
autograder.job JOBDIR` grades one anywhere the jobs folder has been copied to; a later run
merges every job whose result.json matches its inputs.

Exit status: 0 when every submission was graded (some may need attention: see the
summary), 1 when nbgrader could not grade some of them, 130 when interrupted.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field

from .course import Course
from .jobs import Job, Limits, prepare_job, read_result, submitted_pairs
from .pool import Progress, run_jobs, start_forkserver
from .result import JobResult, Status

QUEUES = ("slurm", "pbs", "sge")  # batch queues dask-jobqueue starts workers through


@dataclass
class Engine:
    """Where jobs run: "pool" (this machine's processes, pool.py), "local" (a Dask
    LocalCluster here), a batch queue ("slurm", "pbs", "sge": dask-jobqueue) or
    "scheduler" (an existing Dask cluster at `address`); see cluster.py."""
    kind: str = "pool"
    address: str | None = None
    shared_dir: bool = False       # the workers see the course at the same path: no copies
    config: str | None = None      # a Dask config file (YAML), e.g. with a jobqueue section
    queue: str | None = None       # a batch queue's options (they override the config's)
    account: str | None = None
    cores: int | None = None       # per batch job, one single-threaded worker per core
    memory: str | None = None      # per batch job, e.g. "24 GB"
    walltime: str | None = None

    @property
    def here(self) -> bool:
        """Whether the jobs run on this machine."""
        return self.kind in ("pool", "local")


@dataclass
class Options:
    assignments: list[str] = field(default_factory=list)
    students: list[str] = field(default_factory=list)
    workers: int = 0                   # 0: default_workers(engine)
    force: bool = False
    isolation: str = "auto"            # auto | on | off
    keep_scratch: bool = False
    quiet: bool = False
    feedback: bool = True
    prepare_only: bool = False         # write the job folders, list them, grade none
    warm: bool = True                  # fork kernels from a zygote with TensorFlow imported (warm.py)
    limits: Limits = field(default_factory=Limits)
    engine: Engine = field(default_factory=Engine)


def _has_submission(gb, student: str, assignment: str) -> bool:
    from nbgrader.api import MissingEntry
    try:
        gb.find_submission(assignment, student)
        return True
    except MissingEntry:
        return False


def default_workers(engine: Engine) -> int:
    """Jobs at a time: on a batch queue, one per core of a batch job; here, one per core and
    one more, because a job leaves its core idle while its kernel starts and stops and while
    the grader merges it (30 students x 6 assignments on 2 cores: 417 s with 2, 336 s with 3,
    the same with 4)."""
    if engine.kind in QUEUES and engine.cores:
        return engine.cores
    return (os.cpu_count() or 1) + 1


def grade(course: Course, options: Options) -> int:
    from . import sandbox, warm

    start = time.monotonic()
    assignments = options.assignments or course.assignments()
    unknown = sorted(set(assignments) - set(course.assignments()))
    if unknown:
        print(f"unknown assignment(s): {', '.join(unknown)}; solutions/ has: {', '.join(course.assignments())}",
              file=sys.stderr)
        return 2
    engine = options.engine
    workers = options.workers or default_workers(engine)
    # on another machine, each worker checks that it can isolate (worker.py); here, this one does
    available, why = sandbox.isolation_available() if engine.here else (True, "")
    if options.isolation == "on" and not available:
        print(f"cannot isolate student code: {why}", file=sys.stderr)
        return 2
    isolate = available and options.isolation != "off"
    if not isolate:
        print(f"WARNING: student code will run with the grader's rights ({why if not available else '--isolation off'}): "
              "it could read the hidden tests and change the gradebook.", file=sys.stderr)
    course.work.mkdir(parents=True, exist_ok=True)
    course.jobs.mkdir(parents=True, exist_ok=True)
    lock = open(course.jobs / ".lock", "w")
    try:
        import fcntl
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print("another grading run is in progress on this course", file=sys.stderr)
        return 2

    pool = engine.kind == "pool" and not options.prepare_only
    # the two warm parents import TensorFlow while the templates and jobs are prepared
    zygote = warm.KernelZygote(course.jobs / "zygote.log") if pool and options.warm and warm.available(isolate) else None
    if pool:
        start_forkserver()
    with contextlib.ExitStack() as stack:
        if zygote:
            stack.enter_context(zygote)
        try:
            client = stack.enter_context(_cluster(options, workers))
            refused = {}
            if client is not None:
                from . import cluster
                refused = cluster.unfit_workers(client, isolate)
        except (ValueError, OSError) as exc:  # bad cluster options, no scheduler at that address
            print(f"cannot use the Dask cluster: {exc}", file=sys.stderr)
            return 2
        if refused:
            print("cannot grade on these Dask workers:\n"
                  + "\n".join(f"  {address}: {why}" for address, why in refused.items()), file=sys.stderr)
            return 2
        return _grade(course, options, assignments, isolate, workers, zygote, client, start)


def _cluster(options: Options, workers: int):
    """A client of the Dask cluster the jobs run on; none for the local pool (or no grading)."""
    if options.engine.kind == "pool" or options.prepare_only:
        return contextlib.nullcontext()
    from . import cluster
    return cluster.connect(options.engine, workers)


def _where(client, workers: int) -> str:
    if client is None:
        return f"{workers} at a time"
    from . import cluster
    return cluster.describe(client)


def _grade(course: Course, options: Options, assignments: list[str], isolate: bool, workers: int, zygote,
           client, start: float) -> int:
    from nbgrader.api import Gradebook

    from . import export, merge, summary, templates

    settings = templates.nbgrader_settings(course)
    forbidden = [str(course.root), str(course.solutions), str(course.work), str(course.submitted),
                 str(course.gradebook_file.parent)]
    limits = asdict(options.limits)
    if not limits["threads"]:  # each kernel gets its share of the cores, none oversubscribes them
        limits["threads"] = max(1, (os.cpu_count() or 1) // workers) if options.engine.here else 1
    if limits["cell_timeout"] is None:
        limits["cell_timeout"] = settings.get("Execute", {}).get("timeout", 30)
    pairs = submitted_pairs(course, assignments, options.students)
    jobs: list[Job] = []
    template_folders = {}
    with Gradebook(course.db_url, course.course_id or "default_course") as gb:
        for assignment in sorted({a for _, a in pairs}):
            folder = templates.build(course, assignment, log=lambda m: None if options.quiet else print(m))
            template_folders[assignment] = folder
            merge.sync_assignment(gb, folder / "gradebook.db", assignment)
            common = {"template": str(folder), "template_fingerprint": course.source_fingerprint(assignment),
                      "course_id": course.course_id, "nbgrader_config": settings, "limits": limits,
                      "isolate": isolate, "forbidden": forbidden,
                      "duedate": merge.duedate(gb, assignment),
                      "feedback": options.feedback}
            for student, a in pairs:
                if a == assignment:
                    jobs.append(prepare_job(course, student, assignment, common, options.force,
                                            lambda s, a: _has_submission(gb, s, a)))
        to_merge = [j for j in jobs if j.state == "merge"]
        for job in to_merge:
            merge.merge(course, gb, job.folder, JobResult.load(job.folder / "result.json"))
        to_run = [j for j in jobs if j.state == "new"]
        if not options.quiet:
            up_to_date = len(jobs) - len(to_run) - len(to_merge)
            print(f"{len(pairs)} submissions of {', '.join(assignments) or 'no assignment'}: {len(to_run)} to grade, "
                  f"{up_to_date} up to date" + (f", {len(to_merge)} finished earlier and now merged" if to_merge else "")
                  + (f"; {_where(client, min(workers, len(to_run)))}" if to_run else "")
                  + ("" if isolate else "; student code NOT isolated"), file=sys.stderr)
        if options.prepare_only:
            print("\n".join(str(job.folder) for job in to_run))
            return 0

        notebooks = max((len(course.notebooks(a)) for a in assignments), default=1)
        deadline = notebooks * (limits["notebook_timeout"] + 3 * 60) + 180
        progress = Progress(len(to_run), options.quiet)

        def on_result(job, result):
            merge.merge(course, gb, job.folder, result)
            if not options.keep_scratch:  # merged: the working copies are no longer needed
                for scratch in ("course", "sandbox", "input"):
                    shutil.rmtree(job.folder / scratch, ignore_errors=True)

        if client is None:
            address = zygote.ready() if zygote and to_run else None
            if zygote and to_run and not address:
                print(f"the kernel zygote could not start (see {course.jobs / 'zygote.log'}): kernels start cold",
                      file=sys.stderr)
            finished = run_jobs(to_run, workers, deadline, on_result, progress, address)
        else:
            from . import cluster
            finished = cluster.run_jobs(client, to_run, template_folders, deadline, on_result, progress,
                                        isolate=isolate, warm=options.warm, shared_dir=options.engine.shared_dir,
                                        keep_scratch=options.keep_scratch)
        progress.close()
        if not finished:
            left = sum(1 for j in to_run if read_result(j) is None)
            print(f"\ninterrupted: {len(to_run) - left} of {len(to_run)} submissions graded and saved; "
                  f"run the same command again to grade the remaining {left}.", file=sys.stderr)
            return 130

    # the CSV and the summary always cover the whole course, not only what this run graded
    results = summary.results(course, course.assignments())
    csv_path = export.write_csv(course, course.reports / "grades.csv")
    report = summary.table(results, course)
    course.reports.mkdir(parents=True, exist_ok=True)
    (course.reports / "summary.txt").write_text(report + "\n")
    if not options.quiet:
        print(report)
        print(f"\ngraded in {time.monotonic() - start:.0f} s. Outputs:\n"
              f"  grades (CSV, one row per student and assignment): {csv_path}\n"
              f"  feedback HTML per student: {course.feedback}/<student>/<assignment>/\n"
              f"  autograded notebooks: {course.autograded}/<student>/<assignment>/\n"
              f"  gradebook: {course.gradebook_file}\n"
              f"  this summary: {course.reports / 'summary.txt'}; per job: {course.jobs}/<assignment>/<student>/")
    return 1 if any(r.status == Status.ERROR for r in results) else 0


def parse(argv: list[str] | None = None) -> tuple[Course, Options]:
    parser = argparse.ArgumentParser(prog="python -m autograder.grade", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignments", nargs="*", help="assignments to grade (default: every one in solutions/)")
    parser.add_argument("--student", action="append", default=[], help="grade only this student (repeatable)")
    parser.add_argument("--workers", type=int, default=0,
                        help="jobs at a time (default: one per core and one more); with --cluster, the worker processes "
                             "to start (default: the same here, one batch job's cores on a queue)")
    parser.add_argument("--force", action="store_true", help="grade again even what is up to date")
    parser.add_argument("--cell-timeout", type=int, help="seconds per cell (default: Execute.timeout of the course)")
    parser.add_argument("--notebook-timeout", type=int, default=Limits.notebook_timeout, help="seconds for all cells of a notebook (default: %(default)s)")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb, help="MB of memory per kernel (default: %(default)s)")
    parser.add_argument("--output-kb", type=int, default=Limits.output_bytes // 1000, help="kB of output per notebook; the rest is cut (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=0,
                        help="CPU threads per kernel for BLAS and TensorFlow (default: cores / workers; 1 on a cluster)")
    parser.add_argument("--isolation", choices=["auto", "on", "off"], default="auto",
                        help="isolate student code (auto: when this machine allows it; on: refuse to run without)")
    parser.add_argument("--no-feedback", action="store_true", help="do not write feedback HTML")
    parser.add_argument("--prepare-only", action="store_true",
                        help="write the job folders and print those to grade, grade none (see 'More machines' in the README)")
    parser.add_argument("--cold", action="store_true",
                        help="start every kernel as a new process (about 7 s of imports each) instead of warm")
    where = parser.add_argument_group("grading on a Dask cluster (see 'Grading on a cluster' in the README)")
    engines = where.add_mutually_exclusive_group()
    engines.add_argument("--cluster", choices=["local", *QUEUES],
                         help="run the jobs on Dask workers started here (local: on this machine; slurm, pbs, sge: "
                              "through the batch queue, by dask-jobqueue); default: this machine's worker processes")
    engines.add_argument("--scheduler", metavar="ADDRESS", help="run the jobs on an existing Dask cluster (tcp://host:8786)")
    where.add_argument("--shared-dir", action="store_true",
                       help="the workers see this course at the same path: grade the job folders in place, copy nothing")
    where.add_argument("--cluster-config", metavar="FILE", help="a Dask config file (YAML), e.g. a jobqueue.slurm section")
    where.add_argument("--queue", help="the batch queue (partition) to submit worker jobs to")
    where.add_argument("--account", help="the account (project) to charge worker jobs to")
    where.add_argument("--cores-per-job", type=int, metavar="N", help="cores of one batch job: one single-threaded worker each")
    where.add_argument("--memory-per-job", metavar="SIZE", help="memory of one batch job, e.g. '24 GB' (about 3 GB per core)")
    where.add_argument("--walltime", help="time limit of one batch job, e.g. 02:00:00")
    parser.add_argument("--keep-scratch", action="store_true", help="keep each job's working copy (for debugging)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors (the summary is still written)")
    parser.add_argument("--course", default=str(Course().root), help="course folder (default: this repository)")
    args = parser.parse_args(argv)
    queue_options = [name for name in ("cluster_config", "queue", "account", "cores_per_job", "memory_per_job", "walltime")
                     if getattr(args, name) is not None]
    if queue_options and args.cluster not in QUEUES:
        parser.error(f"--{queue_options[0].replace('_', '-')} is for --cluster {'|'.join(QUEUES)}")
    if args.shared_dir and not (args.cluster or args.scheduler):
        parser.error("--shared-dir is for --cluster or --scheduler")
    engine = Engine(kind="scheduler" if args.scheduler else args.cluster or "pool", address=args.scheduler,
                    shared_dir=args.shared_dir, config=args.cluster_config, queue=args.queue, account=args.account,
                    cores=args.cores_per_job, memory=args.memory_per_job, walltime=args.walltime)
    limits = Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                    memory_mb=args.memory_mb, output_bytes=args.output_kb * 1000, threads=args.threads)
    options = Options(assignments=args.assignments, students=args.student, workers=args.workers, force=args.force,
                      isolation=args.isolation, keep_scratch=args.keep_scratch, quiet=args.quiet, limits=limits,
                      feedback=not args.no_feedback, prepare_only=args.prepare_only, warm=not args.cold,
                      engine=engine)
    return Course(args.course), options


def main(argv: list[str] | None = None) -> int:
    course, options = parse(argv)
    return grade(course, options)


if __name__ == "__main__":
    sys.exit(main())

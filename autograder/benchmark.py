"""How much faster is `autograder.grade` than plain nbgrader? Measure it here.

    python -m autograder.benchmark [--students 30] [--assignment A ...] [--workers N] [--dir FOLDER]
                                   [--dask [--dask-workers 1,2,4]]

Builds a synthetic class (every student submits every assignment: our solutions, one in
five with the first function wrong) in two identical course copies, then, one after the
other on this machine:

1. stock: `nbgrader autograde <assignment>` once per assignment, sequentially (one process
   per assignment, notebooks one after the other, no isolation, no feedback);
2. ours: `python -m autograder.grade` (one worker per core and one more by default, each kernel in its
   sandbox), without feedback so both do the same work (`--feedback` to include it).

With `--dask` it then grades fresh copies of the same class on a Dask LocalCluster
(`--cluster local`) with the pool's number of workers (the engine's overhead against the
pool) and with each of `--dask-workers` worker processes. For every run of ours it
measures the grader's own cost per job, which no number of machines divides: merging the
result into the gradebook and course folders (merge.merge) and, on Dask, unpacking the
returned outputs (parcel.unpack); from these and the time per job it estimates how long
1,000 students take on N machines.

It prints both wall times, the speed-up ratio, and per notebook the time spent outside
the kernel's own work (ours: also with one job at a time, grading one student's notebooks,
since jobs sharing the cores each take longer): wall time per notebook (stock) or per job (ours) minus the time the
kernel spent running cells, read from the timestamps nbclient records in every executed
cell, and (ours) the time the checker spent running the test cells (so: process start,
imports, copying, nbgrader's sanitizing, sandbox and kernel start and shutdown, saving
grades). Everything else running on the machine slows both; the
numbers are only comparable within one run. It takes a while: about students x
assignments x (time to run one notebook) for stock, and less for ours.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from . import cluster, collect, grade, merge, parcel, summary, synthetic
from .course import Course


def build_class(source: Course, folder: Path, assignments: list[str], students: int) -> Course:
    course = synthetic.make_course(source, folder, assignments)
    inbox = folder / "inbox"
    for assignment in assignments:
        good = synthetic.correct(course, assignment)
        wrong = synthetic.wrong_first(good)
        name = course.notebooks(assignment)[0] + ".ipynb"
        for number in range(students):
            synthetic.write_submission(inbox / f"student{number:03d}" / assignment,
                                       {name: wrong if number % 5 == 4 else good})
    collect.from_folder(course, inbox)
    shutil.rmtree(inbox)
    shutil.rmtree(course.jobs)  # the templates: each run builds its own
    for assignment in assignments:  # stock nbgrader needs the assignment in the course's gradebook
        subprocess.run(["nbgrader", "generate_assignment", assignment, "--force", "--log-level=ERROR"],
                       cwd=course.root, check=True)
    return course


def cell_seconds(notebook: Path) -> float:
    """Time the kernel spent running the cells of an executed notebook, from the timestamps
    nbclient records in each cell's metadata (busy to idle)."""
    total = 0.0
    for cell in json.loads(Path(notebook).read_text())["cells"]:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.status.busy" in timing and "iopub.status.idle" in timing:
            start, end = (datetime.fromisoformat(timing[k].replace("Z", "+00:00"))
                          for k in ("iopub.status.busy", "iopub.status.idle"))
            total += (end - start).total_seconds()
    return total


def mean_cell_seconds(course: Course) -> float:
    return statistics.mean(cell_seconds(p) for p in course.autograded.glob("*/*/*.ipynb"))


def job_timings(course: Course) -> list[dict]:
    """The timings of every graded job of the course."""
    return [r.timing for r in summary.results(course, course.assignments()) if r.timing.get("job_seconds")]


def mean_job_seconds(timings: list[dict]) -> float:
    """A job's mean wall time, from its process's start to its end."""
    return statistics.mean(t.get("wall_seconds", t["job_seconds"]) for t in timings)


def per_notebook(course: Course) -> dict:
    """Mean times per notebook of a graded course's jobs: wall, running the cells (the kernel's
    cells plus the test cells, which the checker runs while the kernel answers its calls),
    the rest, and the kernel's start."""
    timings = job_timings(course)
    job = mean_job_seconds(timings)
    cell = mean_cell_seconds(course) + statistics.mean(t.get("checker_seconds", 0) for t in timings)
    return {"job_seconds": round(job, 2), "cell_seconds": round(cell, 2),
            "outside_kernel_work_seconds": round(job - cell, 2),
            "autograde_seconds": round(statistics.mean(t.get("autograde_seconds", 0) for t in timings), 2),
            "kernel_start_seconds": round(statistics.mean(t["kernel_start_seconds"] for t in timings), 2)}


def run_stock(course: Course, assignments: list[str]) -> float:
    started = time.monotonic()
    for assignment in assignments:
        done = subprocess.run(["nbgrader", "autograde", assignment, "--force", "--log-level=WARN"],
                              cwd=course.root, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"(stock nbgrader autograde {assignment} exited with {done.returncode})", file=sys.stderr)
    return time.monotonic() - started


@contextlib.contextmanager
def timed(module, name: str, seconds: list[float]):
    """Append the duration of every call of module.name to seconds while inside."""
    original = getattr(module, name)

    def measured(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - started)
    setattr(module, name, measured)
    try:
        yield seconds
    finally:
        setattr(module, name, original)


def run_ours(course: Course, options: grade.Options) -> dict:
    """Grade the course: the wall time, the time spent running jobs (after the cluster has
    started; with its workers' set-up), the mean time per job, the grader's own per job (ms)."""
    merges, unpacks, grading = [], [], []
    started = time.monotonic()
    with timed(merge, "merge", merges), timed(parcel, "unpack", unpacks), timed(grade, "run_jobs", grading), \
            timed(cluster, "run_jobs", grading):
        grade.grade(course, options)
    wall = time.monotonic() - started
    jobs = len(merges)
    return {"seconds": round(wall, 1), "grading_seconds": round(sum(grading), 1), "jobs": jobs,
            "job_seconds": round(mean_job_seconds(job_timings(course)), 2),
            "merge_ms": round(1000 * sum(merges) / max(1, jobs), 1),
            "unpack_ms": round(1000 * sum(unpacks) / max(1, jobs), 1)}


def run_dask(pristine: Path, folder: Path, options: grade.Options, counts: list[int]) -> list[dict]:
    """Grade fresh copies of the class on Dask LocalClusters of so many worker processes."""
    runs = []
    for count in counts:
        copy = folder / f"dask-{count}"
        if copy.exists():
            shutil.rmtree(copy)
        course = Course(shutil.copytree(pristine, copy))
        print(f"ours on a Dask LocalCluster (--cluster local) of {count} workers ...", flush=True)
        local = dataclasses.replace(options, workers=count, engine=grade.Engine(kind="local"))
        runs.append({"engine": "dask local", "workers": count, **run_ours(course, local)})
        print(f"  {runs[-1]['seconds']:.0f} s")
    return runs


def engine_table(runs: list[dict]) -> str:
    """The engines' runs, and what they imply for 1,000 students on N machines."""
    lines = [f"{'engine':<12} {'workers':>7} {'wall s':>7} {'grading s':>9} {'job s':>6} {'jobs/min':>8} "
             f"{'merge ms/job':>12} {'unpack ms/job':>13}"]
    for run in runs:
        rate = 60 * run["jobs"] / run["grading_seconds"]
        lines.append(f"{run['engine']:<12} {run['workers']:>7} {run['seconds']:>7.1f} {run['grading_seconds']:>9.1f} "
                     f"{run['job_seconds']:>6.2f} {rate:>8.1f} {run['merge_ms']:>12.1f} {run['unpack_ms']:>13.1f}")
    lines.append("(wall: the whole command; grading: running the jobs, after the cluster has started; "
                 "jobs/min: while grading; job: one job's wall time)")
    dask = [r for r in runs if r["engine"] == "dask local"] or runs
    job = min(dask, key=lambda r: r["workers"])["job_seconds"]  # the least contended: one job per machine's core
    grader = statistics.mean(r["merge_ms"] + r["unpack_ms"] for r in dask) / 1000
    lines.append(f"\n1,000 students x 1 assignment on N machines of C single-threaded workers: about "
                 f"max(1000 x {job:.2f} s / (N x C), 1000 x {grader * 1000:.0f} ms) = "
                 f"max({1000 * job / 60:.0f} min / (N x C), {1000 * grader / 60:.1f} min): the grader merges one "
                 f"job at a time, so beyond N x C = {job / max(grader, 1e-9):.0f} workers more machines do not help")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.benchmark", description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--assignment", action="append", default=[], help="default: every released assignment")
    parser.add_argument("--workers", type=int, default=0, help="for ours (default: one per core and one more)")
    parser.add_argument("--dir", default="/tmp/regcourse-benchmark")
    parser.add_argument("--feedback", action="store_true", help="let ours write feedback too")
    parser.add_argument("--dask", action="store_true",
                        help="also grade the class on a Dask LocalCluster (--cluster local) and compare engines")
    parser.add_argument("--dask-workers", default="1,2,4", help="worker processes of each Dask run (default: %(default)s)")
    parser.add_argument("--course", default=str(Course().root))
    args = parser.parse_args(argv)
    source = Course(args.course)
    assignments = args.assignment or [a for a in source.assignments() if (source.exercises / a).is_dir()]
    folder = Path(args.dir)
    print(f"building {args.students} students x {len(assignments)} assignments ({', '.join(assignments)}) in {folder}")
    stock = build_class(source, folder / "stock", assignments, args.students)
    for copy in ("ours", "pristine", "alone"):
        if (folder / copy).exists():
            shutil.rmtree(folder / copy)
    ours = Course(shutil.copytree(stock.root, folder / "ours"))  # its nbgrader_config.py points at itself
    alone = Course(shutil.copytree(stock.root, folder / "alone"))
    for student in sorted(alone.submitted.iterdir())[1:]:  # one student: each notebook graded alone
        shutil.rmtree(student)
    if args.dask:
        shutil.copytree(stock.root, folder / "pristine")
    notebooks = args.students * len(assignments)
    load_before = os.getloadavg()

    print(f"stock: nbgrader autograde, sequential, {notebooks} notebooks ...", flush=True)
    t_stock = run_stock(stock, assignments)
    print(f"  {t_stock:.0f} s")

    print("ours: python -m autograder.grade ...", flush=True)
    options = grade.Options(workers=args.workers, quiet=True, feedback=args.feedback)
    first = run_ours(ours, options)
    t_ours = first["seconds"]
    print(f"  {t_ours:.0f} s")

    print("ours, one job at a time (one student's notebooks) ...", flush=True)
    run_ours(alone, dataclasses.replace(options, workers=1))
    stock_cell = mean_cell_seconds(stock)
    workers = args.workers or grade.default_workers(options.engine)
    runs = [{"engine": "pool", "workers": workers, **first}] + run_dask(
        folder / "pristine", folder, options, sorted({workers, *map(int, args.dask_workers.split(","))})) \
        if args.dask else []
    report = {
        "students": args.students, "assignments": assignments, "notebooks": notebooks, "workers": workers,
        "cores": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "stock_seconds": round(t_stock, 1), "ours_seconds": round(t_ours, 1),
        "speedup": round(t_stock / t_ours, 2),
        "per_notebook": {
            "stock_wall_seconds": round(t_stock / notebooks, 2),
            "stock_cell_seconds": round(stock_cell, 2),
            "stock_outside_kernel_work_seconds": round(t_stock / notebooks - stock_cell, 2),
            "ours": per_notebook(ours), "ours_alone": per_notebook(alone),
            "ours_merge_ms": first["merge_ms"],
        },
        "engines": runs,
        "feedback_included": args.feedback,
    }
    (folder / "benchmark.json").write_text(json.dumps(report, indent=1))
    p = report["per_notebook"]
    ours_p, alone_p = p["ours"], p["ours_alone"]
    print(f"\nspeed-up: {report['speedup']}x ({t_stock:.0f} s stock vs {t_ours:.0f} s ours, {workers} workers on "
          f"{os.cpu_count()} cores, load average {load_before[0]:.1f} before)\n"
          f"per notebook, wall: stock {p['stock_wall_seconds']} s, ours {ours_p['job_seconds']} s per job "
          f"({workers} at a time), {alone_p['job_seconds']} s alone\n"
          f"  running the cells: stock {p['stock_cell_seconds']} s, ours {ours_p['cell_seconds']} s "
          f"({alone_p['cell_seconds']} s alone)\n"
          f"  outside the kernel's own work: stock {p['stock_outside_kernel_work_seconds']} s, "
          f"ours {ours_p['outside_kernel_work_seconds']} s ({alone_p['outside_kernel_work_seconds']} s alone; "
          f"of which kernel start {alone_p['kernel_start_seconds']} s)\n"
          f"  the grader merging it: {p['ours_merge_ms']} ms\n"
          + (f"\nengines (each on a fresh copy of the class):\n{engine_table(runs)}\n" if runs else "")
          + f"full report: {folder / 'benchmark.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

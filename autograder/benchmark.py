"""How much faster is `autograder.grade` than plain nbgrader? Measure it here.

    python -m autograder.benchmark [--students 30] [--assignment A ...] [--workers N] [--dir FOLDER]

Builds a synthetic class (every student submits every assignment: our solutions, one in
five with the first function wrong) in two identical course copies, then, one after the
other on this machine:

1. stock: `nbgrader autograde <assignment>` once per assignment, sequentially (one process
   per assignment, notebooks one after the other, no isolation, no feedback);
2. ours: `python -m autograder.grade` (one worker per core by default, each kernel in its
   sandbox), without feedback so both do the same work (`--feedback` to include it).

It prints both wall times, the speed-up ratio, and per notebook the time spent outside
the kernel's own work: wall time per notebook (stock) or per job (ours) minus the time the
kernel spent running cells, read from the timestamps nbclient records in every executed
cell, and (ours) the time the checker spent running the test cells (so: process start,
imports, copying, nbgrader's sanitizing, sandbox and kernel start and shutdown, saving
grades). Everything else running on the machine slows both; the
numbers are only comparable within one run. It takes a while: about students x
assignments x (time to run one notebook) for stock, and less for ours.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from . import collect, grade, summary, synthetic
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


def run_stock(course: Course, assignments: list[str]) -> float:
    started = time.monotonic()
    for assignment in assignments:
        done = subprocess.run(["nbgrader", "autograde", assignment, "--force", "--log-level=WARN"],
                              cwd=course.root, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"(stock nbgrader autograde {assignment} exited with {done.returncode})", file=sys.stderr)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.benchmark", description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--assignment", action="append", default=[], help="default: every released assignment")
    parser.add_argument("--workers", type=int, default=0, help="for ours (default: one per core)")
    parser.add_argument("--dir", default="/tmp/regcourse-benchmark")
    parser.add_argument("--feedback", action="store_true", help="let ours write feedback too")
    parser.add_argument("--course", default=str(Course().root))
    args = parser.parse_args(argv)
    source = Course(args.course)
    assignments = args.assignment or [a for a in source.assignments() if (source.exercises / a).is_dir()]
    folder = Path(args.dir)
    print(f"building {args.students} students x {len(assignments)} assignments ({', '.join(assignments)}) in {folder}")
    stock = build_class(source, folder / "stock", assignments, args.students)
    if (folder / "ours").exists():
        shutil.rmtree(folder / "ours")
    ours = Course(shutil.copytree(stock.root, folder / "ours"))  # its nbgrader_config.py points at itself
    notebooks = args.students * len(assignments)
    load_before = os.getloadavg()

    print(f"stock: nbgrader autograde, sequential, {notebooks} notebooks ...", flush=True)
    t_stock = run_stock(stock, assignments)
    print(f"  {t_stock:.0f} s")

    print("ours: python -m autograder.grade ...", flush=True)
    started = time.monotonic()
    options = grade.Options(workers=args.workers, quiet=True, feedback=args.feedback)
    grade.grade(ours, options)
    t_ours = time.monotonic() - started
    print(f"  {t_ours:.0f} s")

    results = summary.results(ours, assignments)
    timings = [r.timing for r in results if r.timing.get("job_seconds")]
    # the kernel's cells, plus the test cells, which the checker runs (the kernel answering its calls)
    cell = mean_cell_seconds(ours) + statistics.mean(t.get("checker_seconds", 0) for t in timings)
    stock_cell = mean_cell_seconds(stock)
    job = statistics.mean(t.get("wall_seconds", t["job_seconds"]) for t in timings)
    start = statistics.mean(t["kernel_start_seconds"] for t in timings)
    workers = args.workers or os.cpu_count()
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
            "ours_job_seconds": round(job, 2), "ours_cell_seconds": round(cell, 2),
            "ours_autograde_seconds": round(statistics.mean(t.get("autograde_seconds", 0) for t in timings), 2),
            "ours_outside_kernel_work_seconds": round(job - cell, 2),
            "ours_kernel_start_seconds": round(start, 2),
        },
        "feedback_included": args.feedback,
    }
    (folder / "benchmark.json").write_text(json.dumps(report, indent=1))
    p = report["per_notebook"]
    print(f"\nspeed-up: {report['speedup']}x ({t_stock:.0f} s stock vs {t_ours:.0f} s ours, {workers} workers on "
          f"{os.cpu_count()} cores, load average {load_before[0]:.1f} before)\n"
          f"per notebook, wall: stock {p['stock_wall_seconds']} s, ours {p['ours_job_seconds']} s per job "
          f"({workers} at a time)\n"
          f"  running the cells: stock {p['stock_cell_seconds']} s, ours {p['ours_cell_seconds']} s\n"
          f"  outside the kernel's own work: stock {p['stock_outside_kernel_work_seconds']} s, "
          f"ours {p['ours_outside_kernel_work_seconds']} s (of which kernel start {p['ours_kernel_start_seconds']} s)\n"
          f"full report: {folder / 'benchmark.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

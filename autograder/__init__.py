"""Instructor side of the course: releasing exercises and grading submissions with nbgrader.

Commands (python -m autograder.<name>):
    release     regenerate exercises/ from solutions/ (--zip: one zip per assignment for an LMS)
    collect     put a folder or an LMS zip of submissions in autograder/submitted/
    grade       grade every new or changed submission in parallel: gradebook, feedback, CSV, summary
    export      write autograder/reports/grades.csv from the gradebook again
    demo        grade a synthetic class built from the solutions (autograder/demo/)
    benchmark   time `grade` against sequential `nbgrader autograde`
    sandbox     show how student code is isolated on this machine

Modules behind them, one purpose each:
    course      where a course's files are (read from its nbgrader_config.py)
    notebooks   facts about the course's nbgrader notebooks (a cell's role, the names students define)
    templates   per assignment: source, release and a gradebook made by generate_assignment
    jobs        preparing grading jobs: folders, snapshots, fingerprints
    pool        running jobs side by side on this machine, with a progress bar
    cluster     running jobs on a Dask cluster (local, Slurm/PBS/SGE, an existing scheduler): the grader's side
    worker      the Dask worker's side: a plugin that prepares each worker, the tasks that grade a job
    parcel      folders packed as bytes to travel to a worker and back (unpacking stays inside the folder)
    job         one (student, assignment) grading job in a folder of its own
    result      the record a job writes (JobResult) and the kinds of issue it reports
    submission  what is wrong with a submitted folder (reported before grading)
    sanitize    nbgrader preprocessors that repair a notebook's structure and metadata
    execute     nbgrader's Execute with limits, kernel restarts, and test cells sent to the checker
    checker     the trusted side: runs every test cell, calling the student's functions as data
    sandbox     the kernel launcher: bubblewrap namespaces (no network), user nobody, limits
    zygote      a warm parent that forks processes with TensorFlow already imported
    outcome     what a job's nbgrader run produced: scores, failures, execution issues
    feedback    feedback HTML without hidden tests or student scripts, with the grader's notes
    merge       the single writer of the real gradebook
    summary     the table printed after grading
    synthetic   synthetic submissions (correct, wrong, broken, tampered, malicious, attacks)

The student's side of the grading channel is regcourse.channel: it must be importable in
the student's kernel, and holds no tests.

Every command works when started as `<venv>/bin/python -m autograder.<name>` without the venv
activated: nbgrader runs `alembic` (and collect and benchmark run `nbgrader`) from PATH, so
importing this package puts the scripts folder of the interpreter running it (the venv's
bin/) first on PATH, for this process and every process it starts.
"""
import os
import sysconfig


def _own_scripts_first_on_path() -> None:
    """Put this interpreter's scripts folder (where alembic and nbgrader are) first on PATH."""
    scripts = sysconfig.get_path("scripts")
    others = [p for p in os.environ.get("PATH", os.defpath).split(os.pathsep) if p and p != scripts]
    os.environ["PATH"] = os.pathsep.join([scripts, *others])


_own_scripts_first_on_path()

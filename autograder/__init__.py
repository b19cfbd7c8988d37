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
    templates   per assignment: source, release and a gradebook made by generate_assignment
    job         one (student, assignment) grading job in a folder of its own
    submission  what is wrong with a submitted folder (reported before grading)
    sanitize    nbgrader preprocessors that repair a notebook's structure and metadata
    execute     nbgrader's Execute with time, output and kernel-death handling
    sandbox     the kernel launcher: namespaces, an unprivileged user, limits
    feedback    feedback HTML without the hidden tests, with the grader's notes
    merge       the single writer of the real gradebook
    summary     the table printed after grading
    synthetic   synthetic submissions (correct, wrong, broken, tampered, malicious)

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

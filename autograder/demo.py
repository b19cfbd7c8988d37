"""The whole grading pipeline on a synthetic class, without a real one.

    python -m autograder.demo [--dir FOLDER] [--assignment A ...] [--workers N]

Copies the course's solutions/ into a demo course (default: autograder/demo/, git-ignored;
the real gradebook and folders are not touched), makes a class of ten students who submit
every assignment present, collects them (`autograder.collect`), grades them
(`autograder.grade`) and prints the summary and where the outputs are. Each student
submits a different kind in each assignment (the kinds rotate), so every assignment sees
correct, partly wrong, broken and tampered submissions:

| kind | what the student did |
| --- | --- |
| correct | our solutions |
| wrong | the first function returns None |
| unfinished | the first task left as released (NotImplementedError) |
| syntax_error | a syntax error in the first solution cell |
| kernel_exit | `os._exit(3)` in a solution cell (the kernel dies) |
| invalid_json | a notebook file that is not JSON |
| edited_test | the first test replaced by `pass`, the function wrong |
| more_points | the first test's points changed to 100 |
| malicious | tries to write the gradebook, the hidden tests, other students' files |
| renamed_extra | `<notebook> (1).ipynb` plus a .py module that would fake the checks |

It takes a few minutes per assignment on two cores (chapters with Keras tasks train small
models in every submission).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from . import collect, grade, synthetic
from .course import Course, file_digest

STUDENTS = [("ada", "Ada", "Lovelace"), ("ben", "Ben", "Okafor"), ("chloe", "Chloé", "Dubois"),
            ("dan", "Dan", "Kim"), ("eve", "Eve", "Martin, Jr."), ("fay", "Fay", "Nakamura"),
            ("gus", "Gus", "Hansen"), ("hal", "Hal", "Ivanov"), ("ivy", "Ivy", "Lopez"), ("jo", "Jo", "Schmidt")]
KINDS = ["correct", "wrong", "unfinished", "syntax_error", "kernel_exit", "invalid_json", "edited_test",
         "more_points", "malicious", "renamed_extra"]


def make_submission(course: Course, assignment: str, kind: str, release_dir: Path) -> dict:
    """{file name: content} of one synthetic submission of the given kind."""
    name = course.notebooks(assignment)[0] + ".ipynb"
    good = synthetic.correct(course, assignment, release_dir=release_dir)
    if kind == "correct":
        return {name: good}
    if kind == "wrong":
        return {name: synthetic.wrong_first(good)}
    if kind == "unfinished":
        return {name: synthetic.stub_first(good)}
    if kind == "syntax_error":
        return {name: synthetic.syntax_error(good)}
    if kind == "kernel_exit":
        return {name: synthetic.kernel_exit(good)}
    if kind == "invalid_json":
        return {name: b'{"cells": [{"cell_type": "code", "source": "oops'}
    if kind == "edited_test":
        return {name: synthetic.edit_first_test(good)}
    if kind == "more_points":
        return {name: synthetic.change_points(good)}
    if kind == "malicious":
        targets = {"gradebook": str(course.gradebook_file),
                   "hidden tests": str(course.solutions / assignment / name),
                   "another student": str(course.submitted / "ada" / assignment / name)}
        return {name: synthetic.malicious(good, targets)}
    if kind == "renamed_extra":
        return {name.replace(".ipynb", " (1).ipynb"): good, **synthetic.shadowing_module()}
    raise ValueError(kind)


def build(source: Course, folder: Path, assignments: list[str], students: int = len(STUDENTS)) -> Course:
    """A demo course in folder with a synthetic class of the given assignments, collected."""
    demo = synthetic.make_course(source, folder, assignments)
    inbox = Path(tempfile.mkdtemp(prefix="demo-class-"))
    try:
        for index, assignment in enumerate(assignments):
            release = demo.exercises / assignment
            for number, (student, _, _) in enumerate(STUDENTS[:students]):
                kind = KINDS[(number + index) % len(KINDS)]
                synthetic.write_submission(inbox / student / assignment, make_submission(demo, assignment, kind, release))
        collect.from_folder(demo, inbox)
    finally:
        shutil.rmtree(inbox)
    from nbgrader.api import Gradebook
    with Gradebook(demo.db_url) as gb:
        for student, first, last in STUDENTS[:students]:
            gb.update_or_create_student(student, first_name=first, last_name=last, email=f"{student}@example.org")
    return demo


def _digest(folder: Path) -> str:
    return file_digest([p for p in folder.rglob("*") if p.is_file()], folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", help="demo course folder (default: autograder/demo/ of this course)")
    parser.add_argument("--assignment", action="append", default=[], help="only these assignments (default: all)")
    parser.add_argument("--students", type=int, default=len(STUDENTS), help=f"class size (at most {len(STUDENTS)})")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--course", default=str(Course().root))
    args = parser.parse_args(argv)
    source = Course(args.course)
    folder = Path(args.dir) if args.dir else source.work / "demo"
    assignments = args.assignment or source.assignments()
    print(f"building a class of {args.students} students x {len(assignments)} assignments in {folder} ...")
    demo = build(source, folder, assignments, args.students)
    guarded = {"solutions/ (hidden tests)": demo.solutions, "exercises/": demo.exercises,
               "submitted/ (every student's files)": demo.submitted}
    before = {name: _digest(folder) for name, folder in guarded.items()}
    code = grade.main(["--course", str(demo.root), "--workers", str(args.workers)])
    changed = [name for name, folder in guarded.items() if _digest(folder) != before[name]]
    print("\nafter grading, the files the malicious submissions attacked: "
          + (f"CHANGED: {', '.join(changed)}" if changed else f"{', '.join(guarded)} unchanged"))
    print("\nwhat each student did: " + ", ".join(
        f"{s}: " + "/".join(KINDS[(n + i) % len(KINDS)] for i in range(len(assignments)))
        for n, (s, _, _) in enumerate(STUDENTS[:args.students])))
    return code


if __name__ == "__main__":
    sys.exit(main())

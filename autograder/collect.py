"""Put submissions where nbgrader expects them: autograder/submitted/<student>/<assignment>/.

    python -m autograder.collect SUBMISSIONS_FOLDER
    python -m autograder.collect DOWNLOAD.zip [--assignment ch01_overfitting] [--pattern NAME_OR_REGEX]

A folder must hold `<student>/<assignment>/<files>` (e.g. what nbgrader's exchange or a
script produced). Each (student, assignment) folder replaces the one collected before.

A zip is an LMS download for one assignment: it goes through nbgrader's `zip_collect`
(its files land in autograder/downloaded/<assignment>/), which reads the student id and
the file name from each file's path in the zip with a regular expression. Give one with
--pattern, or the name of a preset:

| preset | a file in the zip | student id |
| --- | --- | --- |
| simple (default) | `alice_overfitting.ipynb` (anything before the first `_`) | `alice` |
| folders | `alice/overfitting.ipynb` (one folder per student) | `alice` |
| moodle | `Ann Lee_1234_assignsubmission_file_/overfitting.ipynb` or `..._file_overfitting.ipynb` | `1234` |
| canvas | `leeann_1234_5678_overfitting.ipynb` (`leeann_LATE_1234_...` when late) | `1234` |

A regular expression must have the groups `(?P<student_id>...)` and `(?P<file_id>...)` and
may have `(?P<timestamp>...)`; it is matched against the whole path of the extracted file,
so start it with `.*/`. Only notebooks are collected from a zip (nbgrader skips other
files); a renamed notebook (`overfitting-1.ipynb`, `overfitting (1).ipynb`) is collected
under its name and graded as the expected one, with a note (see submission.py).

Students not yet in the gradebook are added (ids only; import names and e-mails with
`nbgrader db student import roster.csv` to have them in grades.csv).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .course import Course

PATTERNS = {
    "simple": r".*/(?P<student_id>[^/_]+)_(?P<file_id>[^/]+)$",
    "folders": r".*/(?P<student_id>[^/]+)/(?P<file_id>[^/]+)$",
    "moodle": r".*/[^/]*?_(?P<student_id>\d+)_assignsubmission_file_/?(?P<file_id>[^/]+)$",
    "canvas": r".*/[^/_]+(?:_LATE)?_(?P<student_id>\d+)_\d+_(?P<file_id>[^/]+)$",
}
SKIP = {".ipynb_checkpoints", "__pycache__", ".DS_Store", "__MACOSX"}


def pattern(name_or_regex: str) -> str:
    regex = PATTERNS.get(name_or_regex, name_or_regex)
    compiled = re.compile(regex)
    missing = {"student_id", "file_id"} - set(compiled.groupindex)
    if missing:
        raise ValueError(f"the pattern needs the named groups {sorted(missing)}: {regex}")
    return regex


def add_students(course: Course, students: set[str]) -> list[str]:
    """Add unknown students to the gradebook; return those added."""
    from nbgrader.api import Gradebook, MissingEntry

    course.work.mkdir(parents=True, exist_ok=True)
    added = []
    with Gradebook(course.db_url, course.course_id or "default_course") as gb:
        for student in sorted(students):
            try:
                gb.find_student(student)
            except MissingEntry:
                gb.add_student(student)
                added.append(student)
    return added


def from_folder(course: Course, folder: Path) -> list[tuple[str, str]]:
    """Copy folder/<student>/<assignment>/ into submitted/; return the pairs collected."""
    folder = Path(folder)
    assignments = set(course.assignments())
    collected = []
    for student_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in SKIP):
        for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if assignment_dir.name not in assignments:
                print(f"skipped {assignment_dir}: no assignment {assignment_dir.name!r} in solutions/", file=sys.stderr)
                continue
            dest = course.submitted / student_dir.name / assignment_dir.name
            tmp = dest.with_name(dest.name + ".collecting")
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            for path in sorted(assignment_dir.rglob("*")):
                rel = path.relative_to(assignment_dir)
                if any(part in SKIP for part in rel.parts) or path.is_dir():
                    continue
                if path.is_symlink():
                    print(f"skipped {path}: a symbolic link", file=sys.stderr)
                    continue
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, tmp / rel)
            if dest.exists():
                shutil.rmtree(dest)
            tmp.rename(dest)
            collected.append((student_dir.name, assignment_dir.name))
    add_students(course, {s for s, _ in collected})
    return collected


def guess_assignment(course: Course, archive: Path) -> str:
    """The assignment whose notebook names appear in the zip."""
    names = [Path(n).name for n in zipfile.ZipFile(archive).namelist()]
    found = [a for a in course.assignments()
             if any(nb in name for nb in course.notebooks(a) for name in names if name.endswith(".ipynb"))]
    if len(found) != 1:
        raise ValueError(f"cannot tell which assignment {archive.name} is for (candidates: {found or 'none'}); "
                         "give --assignment")
    return found[0]


def from_zip(course: Course, archive: Path, assignment: str | None = None, name_pattern: str = "simple") -> list[tuple[str, str]]:
    """Collect an LMS zip with nbgrader's zip_collect; return the pairs collected."""
    archive = Path(archive).resolve()
    assignment = assignment or guess_assignment(course, archive)
    regex = pattern(name_pattern)
    downloaded = course.work / "downloaded"
    archive_dir = downloaded / assignment / "archive"
    shutil.rmtree(archive_dir, ignore_errors=True)
    archive_dir.mkdir(parents=True)
    shutil.copyfile(archive, archive_dir / archive.name)
    done = subprocess.run(
        # zip_collect joins this to the course root before formatting: it must be relative
        ["nbgrader", "zip_collect", assignment, "--force",
         f"--ZipCollectApp.downloaded_directory={os.path.relpath(downloaded, course.root)}",
         f"--FileNameCollectorPlugin.named_regexp={regex}"],
        cwd=course.root, capture_output=True, text=True)
    log = done.stdout + done.stderr
    for line in log.splitlines():
        if "Skipped" in line or "Invalid submission notebook name" in line:
            print(line.split("] ", 1)[-1], file=sys.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader zip_collect failed:\n{log}")
    extracted = downloaded / assignment / "extracted"
    students = set()
    for path in extracted.rglob("*"):
        match = re.match(regex, str(path)) if path.is_file() else None
        if match and (course.submitted / match["student_id"] / assignment).is_dir():
            students.add(match["student_id"])
    add_students(course, students)
    return sorted((s, assignment) for s in students)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.collect", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", help="a folder <student>/<assignment>/... or an LMS zip")
    parser.add_argument("--assignment", help="the assignment of a zip (default: guessed from its notebook names)")
    parser.add_argument("--pattern", default="simple",
                        help=f"how file names in a zip name students: {', '.join(PATTERNS)} or a regular expression")
    parser.add_argument("--course", default=str(Course().root))
    args = parser.parse_args(argv)
    course = Course(args.course)
    source = Path(args.source)
    try:
        if source.is_dir():
            pairs = from_folder(course, source)
        elif zipfile.is_zipfile(source):
            pairs = from_zip(course, source, args.assignment, args.pattern)
        else:
            print(f"{source} is neither a folder nor a zip file", file=sys.stderr)
            return 2
    except (ValueError, RuntimeError) as exc:
        print(exc, file=sys.stderr)
        return 2
    for student, assignment in pairs:
        print(f"collected {student} / {assignment}")
    print(f"{len(pairs)} submissions in {course.submitted}; grade them with `python -m autograder.grade`")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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

Every student id becomes a folder name, so an id that is empty, starts with a dot (`.`,
`..`, hidden names), holds a path separator or control characters is refused, and nothing
is collected: rename the folder, or fix the pattern. macOS metadata (`__MACOSX/`, `._name`
files), checkpoints and caches are ignored. A zip is extracted here, not by nbgrader, after
two checks: it may expand to at most --max-mb megabytes (default 1000) in --max-files files
(default 10000), counted from the sizes it declares (Python's zipfile never writes more
than a member declares), or it is refused before anything is extracted (a zip bomb); an
archive inside it, or a path leading out of it, is skipped with a note. nbgrader's
zip_collect then copies the extracted files and collects them.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

from .course import Course

PATTERNS = {
    "simple": r".*/(?P<student_id>[^/_]+)_(?P<file_id>[^/]+)$",
    "folders": r".*/(?P<student_id>[^/]+)/(?P<file_id>[^/]+)$",
    "moodle": r".*/[^/]*?_(?P<student_id>\d+)_assignsubmission_file_/?(?P<file_id>[^/]+)$",
    "canvas": r".*/[^/_]+(?:_LATE)?_(?P<student_id>\d+)_\d+_(?P<file_id>[^/]+)$",
}
SKIP = {".ipynb_checkpoints", "__pycache__", ".DS_Store", "__MACOSX"}
ARCHIVES = (".zip", ".gz")  # what nbgrader's zip_collect would expand in turn
MAX_MB, MAX_FILES = 1000, 10_000


def ignored(rel: PurePosixPath | Path) -> bool:
    """macOS metadata (`__MACOSX/`, `._name` resource forks), checkpoints and caches."""
    return any(part in SKIP for part in rel.parts) or rel.name.startswith("._")


def id_problem(student: str) -> str | None:
    """Why a student id cannot name a folder of submitted/ (None when it can)."""
    if not student:
        return "it is empty"
    if student.startswith("."):
        return "it starts with a dot ('.', '..' and hidden names are not allowed)"
    if "/" in student or "\\" in student:
        return "it holds a path separator"
    if not student.isprintable() or student != student.strip():
        return "it holds control characters, or spaces at either end"
    return None


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


def folder_pairs(course: Course, folder: Path) -> list[tuple[Path, Path]]:
    """The (student folder, assignment folder) pairs of folder/<student>/<assignment>/."""
    assignments = set(course.assignments())
    pairs = []
    for student_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in SKIP):
        for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if assignment_dir.name in assignments:
                pairs.append((student_dir, assignment_dir))
            else:
                print(f"skipped {assignment_dir}: no assignment {assignment_dir.name!r} in solutions/", file=sys.stderr)
    return pairs


def copy_submission(assignment_dir: Path, dest: Path) -> None:
    """Replace dest with a copy of the student's files (no links, nothing ignored)."""
    tmp = dest.with_name(dest.name + ".collecting")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for path in sorted(assignment_dir.rglob("*")):
        rel = path.relative_to(assignment_dir)
        if ignored(rel) or path.is_dir():
            continue
        if path.is_symlink():
            print(f"skipped {path}: a symbolic link", file=sys.stderr)
            continue
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, tmp / rel)
    if dest.exists():
        shutil.rmtree(dest)
    tmp.rename(dest)


def from_folder(course: Course, folder: Path) -> list[tuple[str, str]]:
    """Copy folder/<student>/<assignment>/ into submitted/; return the pairs collected."""
    pairs = folder_pairs(course, Path(folder))
    refused = sorted({f"  {student_dir}: {id_problem(student_dir.name)}" for student_dir, _ in pairs
                      if id_problem(student_dir.name)})
    if refused:
        raise ValueError(f"refused {folder}: these folders' names cannot be student ids, so nothing was collected:\n"
                         + "\n".join(refused)
                         + "\nRename or remove them, then collect again.")
    for student_dir, assignment_dir in pairs:
        copy_submission(assignment_dir, course.submitted / student_dir.name / assignment_dir.name)
    collected = [(student_dir.name, assignment_dir.name) for student_dir, assignment_dir in pairs]
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


def check_expanded_size(archive: Path, max_mb: float = MAX_MB, max_files: int = MAX_FILES) -> None:
    """Refuse, before extracting anything, a zip that would expand to more than max_mb
    megabytes or max_files files (a zip bomb), from the sizes its members declare."""
    with zipfile.ZipFile(archive) as zf:
        members = zf.infolist()
    size = sum(m.file_size for m in members)
    if size > max_mb * 1e6 or len(members) > max_files:
        raise ValueError(f"refused {archive.name}: it would expand to {size / 1e6:,.0f} MB in {len(members):,} files, "
                         f"more than the limit of {max_mb:,g} MB in {max_files:,} files; nothing was extracted. "
                         "If it is a genuine download, raise --max-mb or --max-files.")


def members_to_extract(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The files of a zip worth extracting; an archive inside it or a path leading out of
    it is skipped with a note, macOS metadata, checkpoints and caches silently."""
    kept = []
    for member in zf.infolist():
        rel = PurePosixPath(member.filename)
        if member.is_dir() or ignored(rel):
            continue
        if rel.is_absolute() or ".." in rel.parts:
            print(f"skipped {member.filename}: its path leads out of the archive", file=sys.stderr)
        elif rel.name.lower().endswith(ARCHIVES):
            print(f"skipped {member.filename}: an archive inside the archive is not expanded "
                  "(extract it and collect its files)", file=sys.stderr)
        else:
            kept.append(member)
    return kept


def extract(archive: Path, dest: Path) -> list[Path]:
    """Extract the zip's files worth collecting into dest; return their paths."""
    extracted = []
    with zipfile.ZipFile(archive) as zf:
        for member in members_to_extract(zf):
            target = dest.joinpath(*PurePosixPath(member.filename).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(member) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)  # at most the size the member declares
            except zipfile.BadZipFile as exc:
                raise ValueError(f"refused {archive.name}: it is damaged ({exc}); nothing was collected") from None
            extracted.append(target)
    return extracted


def refuse_unsafe_ids(archive: Path, regex: str, extracted: Path, files: list[Path]) -> None:
    """Raise ValueError when the pattern reads a student id that cannot be a folder name, or
    a file name leading out of the student's folder, from the path a file gets in nbgrader's
    extracted/ folder. files: paths relative to extracted/."""
    refused = []
    for rel in files:
        match = re.match(regex, str(extracted / rel)) if rel.suffix == ".ipynb" else None
        if not match:
            continue
        why = id_problem(match["student_id"])
        file_id = PurePosixPath(match["file_id"])
        if why is None and (file_id.is_absolute() or ".." in file_id.parts):
            why = f"its file name {match['file_id']!r} leads out of the student's folder"
        if why:
            refused.append(f"  {rel}: student id {match['student_id']!r}: {why}")
    if refused:
        raise ValueError(f"refused {archive.name}: the pattern reads student ids that cannot be folder names "
                         "from these files, so nothing was collected:\n" + "\n".join(refused)
                         + "\nIs --pattern right for this download? It reads each student's id from a file's path.")


def from_zip(course: Course, archive: Path, assignment: str | None = None, name_pattern: str = "simple",
             max_mb: float = MAX_MB, max_files: int = MAX_FILES) -> list[tuple[str, str]]:
    """Extract an LMS zip (checked) and collect it with nbgrader's zip_collect; return the
    pairs collected."""
    archive = Path(archive).resolve()
    check_expanded_size(archive, max_mb, max_files)
    assignment = assignment or guess_assignment(course, archive)
    regex = pattern(name_pattern)
    # zip_collect joins this to the course root before formatting: it must be relative
    downloaded = os.path.relpath(course.work / "downloaded", course.root)
    archive_dir = course.root / downloaded / assignment / "archive"
    extracted = course.root / downloaded / assignment / "extracted"  # the paths nbgrader matches
    shutil.rmtree(archive_dir, ignore_errors=True)
    archive_dir.mkdir(parents=True)  # even empty: zip_collect then clears extracted/
    try:
        # the folder nbgrader's own extraction would make; zip_collect copies it to extracted/
        files = extract(archive, archive_dir / archive.stem)
        refuse_unsafe_ids(archive, regex, extracted, [p.relative_to(archive_dir) for p in files])
    except ValueError:
        shutil.rmtree(archive_dir, ignore_errors=True)
        raise
    done = subprocess.run(
        ["nbgrader", "zip_collect", assignment, "--force", f"--ZipCollectApp.downloaded_directory={downloaded}",
         f"--FileNameCollectorPlugin.named_regexp={regex}"],
        cwd=course.root, capture_output=True, text=True)
    log = done.stdout + done.stderr
    for line in log.splitlines():
        if "Skipped" in line or "Invalid submission notebook name" in line:
            print(line.split("] ", 1)[-1], file=sys.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader zip_collect failed:\n{log}")
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
    parser.add_argument("--max-mb", type=float, default=MAX_MB,
                        help="refuse a zip that would expand to more megabytes (default: %(default)s)")
    parser.add_argument("--max-files", type=int, default=MAX_FILES,
                        help="refuse a zip that holds more files (default: %(default)s)")
    parser.add_argument("--course", default=str(Course().root))
    args = parser.parse_args(argv)
    course = Course(args.course)
    source = Path(args.source)
    try:
        if source.is_dir():
            pairs = from_folder(course, source)
        elif zipfile.is_zipfile(source):
            pairs = from_zip(course, source, args.assignment, args.pattern, args.max_mb, args.max_files)
        else:
            print(f"{source} is neither a folder nor a zip file", file=sys.stderr)
            return 2
    except (ValueError, RuntimeError, zipfile.BadZipFile) as exc:
        print(exc, file=sys.stderr)
        return 2
    for student, assignment in pairs:
        print(f"collected {student} / {assignment}")
    print(f"{len(pairs)} submissions in {course.submitted}; grade them with `python -m autograder.grade`")
    return 0


if __name__ == "__main__":
    sys.exit(main())

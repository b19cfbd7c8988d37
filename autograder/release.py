"""Regenerate the student versions (exercises/) from the nbgrader sources (solutions/).

    python -m autograder.release [--zip] [--course DIR] [ASSIGNMENT ...]   (default: every assignment)

With --zip, also pack each assignment's student version into autograder/lms/<assignment>.zip,
ready to upload to an LMS (a folder <assignment>/ with the notebooks and data files).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import zipfile
from pathlib import Path

from .course import Course
from .notebooks import IGNORED


def generate(course: Course, names: list[str], release_dir: Path | None = None, db_url: str | None = None) -> None:
    """Run `nbgrader generate_assignment --force` for each name.

    release_dir and db_url override the configured exercises/ folder and gradebook,
    so a test can regenerate into a scratch folder without touching either.
    """
    course.gradebook_file.parent.mkdir(parents=True, exist_ok=True)  # nbgrader needs the gradebook's folder
    overrides = []
    if release_dir is not None:
        overrides.append(f"--CourseDirectory.release_directory={release_dir}")
    if db_url is not None:
        overrides.append(f"--CourseDirectory.db_url={db_url}")
    for name in names:
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force", "--log-level=WARN",
                        *overrides], cwd=course.root, check=True)


def pack(course: Course, names: list[str], release_dir: Path | None = None, dest_dir: Path | None = None) -> list[Path]:
    """Zip each released assignment (release_dir/<name>/) into dest_dir/<name>.zip."""
    release_dir = Path(release_dir or course.exercises)
    dest_dir = Path(dest_dir or course.work / "lms")
    dest_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for name in names:
        folder = release_dir / name
        if not any(folder.glob("*.ipynb")):
            raise FileNotFoundError(f"{folder} has no notebooks: release {name} first")
        target = dest_dir / f"{name}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(folder.rglob("*")):
                rel = path.relative_to(release_dir)
                if path.is_file() and not IGNORED & set(rel.parts):
                    zf.write(path, rel.as_posix())
        made.append(target)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.release", description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="default: every assignment")
    parser.add_argument("--zip", action="store_true", help="also pack each one for an LMS (autograder/lms/)")
    parser.add_argument("--course", default=str(Course().root))
    args = parser.parse_args(argv)
    course = Course(args.course)
    unknown = sorted(set(args.assignments) - set(course.assignments()))
    if unknown:
        parser.error(f"no such assignment: {', '.join(unknown)} (the assignments: {', '.join(course.assignments())})")
    names = args.assignments or course.assignments()
    generate(course, names)
    if args.zip:
        for path in pack(course, names):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

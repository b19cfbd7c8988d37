"""Regenerate the student versions (exercises/) from the nbgrader sources (solutions/).

Usage: python -m autograder.release [--zip] [ASSIGNMENT ...]   (default: every assignment)

With --zip, also pack each assignment's student version into autograder/lms/<assignment>.zip,
ready to upload to an LMS (a folder <assignment>/ with the notebooks and data files).
"""
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORED = {".ipynb_checkpoints", "__pycache__", ".DS_Store"}


def assignments() -> list[str]:
    """Names of the assignments, one per folder of solutions/."""
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


def generate(names: list[str], release_dir: Path | None = None, db_url: str | None = None) -> None:
    """Run `nbgrader generate_assignment --force` for each name.

    release_dir and db_url override the configured exercises/ folder and gradebook,
    so a test can regenerate into a scratch folder without touching either.
    """
    (ROOT / "autograder").mkdir(exist_ok=True)  # nbgrader needs the gradebook's folder
    overrides = []
    if release_dir is not None:
        overrides.append(f"--CourseDirectory.release_directory={release_dir}")
    if db_url is not None:
        overrides.append(f"--CourseDirectory.db_url={db_url}")
    for name in names:
        subprocess.run(
            ["nbgrader", "generate_assignment", name, "--force", "--log-level=WARN", *overrides],
            cwd=ROOT,
            check=True,
        )


def pack(names: list[str], release_dir: Path | None = None, dest_dir: Path | None = None) -> list[Path]:
    """Zip each released assignment (release_dir/<name>/) into dest_dir/<name>.zip."""
    release_dir = Path(release_dir or ROOT / "exercises")
    dest_dir = Path(dest_dir or ROOT / "autograder" / "lms")
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


if __name__ == "__main__":
    args = sys.argv[1:]
    want_zip = "--zip" in args
    names = [a for a in args if a != "--zip"] or assignments()
    generate(names)
    if want_zip:
        for path in pack(names):
            print(f"wrote {path}")

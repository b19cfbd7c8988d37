"""Regenerate the student versions (exercises/) from the nbgrader sources (solutions/).

Usage: python -m autograder.release [ASSIGNMENT ...]   (default: every assignment)
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def assignments() -> list[str]:
    """Names of the assignments, one per folder of solutions/."""
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


def generate(names: list[str], release_dir: Path | None = None, db_url: str | None = None) -> None:
    """Run `nbgrader generate_assignment --force` for each name.

    release_dir and db_url override the configured exercises/ folder and gradebook,
    so a test can regenerate into a scratch folder without touching either.
    """
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


if __name__ == "__main__":
    generate(sys.argv[1:] or assignments())

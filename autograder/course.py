"""Where a course's files are: read from its nbgrader_config.py, so every tool here works on
the real course or on a copy of it (the tests and the demo grade copies)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Course:
    root: Path = ROOT

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).resolve())

    # -- configuration ------------------------------------------------------------------
    def config(self):
        """The course's nbgrader configuration (a traitlets Config)."""
        return self._config

    @cached_property
    def _config(self):
        from traitlets.config import Config
        from traitlets.config.loader import PyFileConfigLoader

        file = self.root / "nbgrader_config.py"
        if not file.exists():
            return Config()
        return PyFileConfigLoader(file.name, path=str(self.root)).load_config()

    def _dir(self, trait: str, default: str) -> Path:
        value = self.config().CourseDirectory.get(trait, default)
        path = Path(value)
        return path if path.is_absolute() else self.root / path

    @property
    def solutions(self) -> Path:
        return self._dir("source_directory", "source")

    @property
    def exercises(self) -> Path:
        return self._dir("release_directory", "release")

    @property
    def submitted(self) -> Path:
        return self._dir("submitted_directory", "submitted")

    @property
    def autograded(self) -> Path:
        return self._dir("autograded_directory", "autograded")

    @property
    def feedback(self) -> Path:
        return self._dir("feedback_directory", "feedback")

    @property
    def work(self) -> Path:
        """The instructor's working folder (git-ignored): autograder/ next to the gradebook."""
        return self.gradebook_file.parent

    @property
    def gradebook_file(self) -> Path:
        url = self.config().CourseDirectory.get("db_url", f"sqlite:///{self.root / 'gradebook.db'}")
        if not url.startswith("sqlite:///"):
            raise ValueError(f"only sqlite gradebooks are supported, not {url}")
        return Path(url[len("sqlite:///"):])

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.gradebook_file}"

    @property
    def jobs(self) -> Path:
        """One folder per (assignment, student) grading job, and the grading templates."""
        return self.work / "jobs"

    @property
    def reports(self) -> Path:
        """grades.csv and the summary of the last grading run."""
        return self.work / "reports"

    @property
    def course_id(self) -> str:
        return self.config().CourseDirectory.get("course_id", "")

    # -- assignments --------------------------------------------------------------------
    def assignments(self) -> list[str]:
        """Assignments are the folders of solutions/ that hold at least one notebook."""
        if not self.solutions.is_dir():
            return []
        return sorted(p.name for p in self.solutions.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb")))

    def notebooks(self, assignment: str) -> list[str]:
        """Names (without .ipynb) of an assignment's notebooks."""
        return sorted(p.stem for p in (self.solutions / assignment).glob("*.ipynb"))

    def source_fingerprint(self, assignment: str) -> str:
        """Changes whenever a file of the assignment's source or the nbgrader config changes."""
        digest = hashlib.sha256()
        for path in sorted((self.solutions / assignment).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
                digest.update(str(path.relative_to(self.solutions)).encode())
                digest.update(path.read_bytes())
        config = self.root / "nbgrader_config.py"
        if config.exists():
            digest.update(config.read_bytes())
        return digest.hexdigest()[:16]


def file_digest(paths: list[Path], base: Path) -> str:
    """A digest of files' names (relative to base) and contents."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(json.dumps(str(path.relative_to(base))).encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()[:16]

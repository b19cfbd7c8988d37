"""The grading template of an assignment, from which every grading job starts.

A template is a tiny nbgrader course of its own: the assignment's source (solutions/),
its release (what students got) and a sqlite gradebook that nbgrader's
`generate_assignment` filled with the notebooks, graded cells, checksums and the hidden
tests. A job copies it (a few hundred kB), so jobs share nothing and could run on other
machines; the real gradebook is only written by the grader's single writer (merge.py).

Templates are rebuilt only when the assignment's source or the nbgrader config changes.
A new gradebook costs nbgrader its database migrations (about 2 s): every template starts
from a copy of one empty gradebook, made once (`_empty_gradebook`).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from .course import Course


def nbgrader_settings(course: Course) -> dict:
    """The course's nbgrader config without its CourseDirectory paths, as plain JSON data."""
    config = course.config()
    settings = {}
    for section, values in config.items():
        if section == "CourseDirectory" or not hasattr(values, "items"):
            continue
        try:
            settings[section] = json.loads(json.dumps(dict(values)))
        except TypeError:
            continue  # values that are not data (rare in nbgrader configs): skip
    return settings


def template_dir(course: Course, assignment: str) -> Path:
    return course.jobs / "_templates" / assignment


def _empty_gradebook(course: Course) -> Path:
    """An empty gradebook with nbgrader's schema, made once per course."""
    path = course.jobs / "_templates" / "empty-gradebook.db"
    if not path.exists():
        from nbgrader.api import Gradebook
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with Gradebook(f"sqlite:///{partial}"):
            pass
        partial.replace(path)
    return path


def build(course: Course, assignment: str, log=print) -> Path:
    """Build (or reuse) the template of an assignment and return its folder."""
    folder = template_dir(course, assignment)
    fingerprint = course.source_fingerprint(assignment)
    stamp = folder / "fingerprint.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("fingerprint") == fingerprint:
        return folder
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    if folder.exists():
        shutil.rmtree(folder)
    (folder / "source").mkdir(parents=True)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc", ".DS_Store")
    shutil.copytree(course.solutions / assignment, folder / "source" / assignment, ignore=ignore)
    config = Config(nbgrader_settings(course))
    config.CourseDirectory.root = str(folder)
    config.CourseDirectory.course_id = course.course_id
    config.CourseDirectory.source_directory = "source"
    config.CourseDirectory.release_directory = "release"
    shutil.copyfile(_empty_gradebook(course), folder / "gradebook.db")
    config.CourseDirectory.db_url = f"sqlite:///{folder / 'gradebook.db'}"
    config.CourseDirectory.ignore = course.config().CourseDirectory.get("ignore", [".ipynb_checkpoints"])
    result = NbGraderAPI(config=config).generate_assignment(assignment, force=True)
    if not result["success"]:
        raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{result.get('log', '')}\n{result.get('error', '')}")
    stamp.write_text(json.dumps({"fingerprint": fingerprint}))
    log(f"built the grading template of {assignment}")
    return folder

"""Collecting submissions (a folder, an LMS zip through nbgrader's zip_collect) and packing
the release for an LMS."""
import re
import zipfile

import pytest

from autograder import collect, synthetic
from autograder.course import ROOT, Course
from autograder.release import pack

ASSIGNMENT = "ch01_overfitting"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return synthetic.make_course(Course(ROOT), tmp_path_factory.mktemp("collect") / "course", [ASSIGNMENT],
                                 max_tests=1)


def _students(course):
    from nbgrader.api import Gradebook
    with Gradebook(course.db_url) as gb:
        return sorted(s.id for s in gb.students)


def test_folder_of_students_is_collected(course, tmp_path):
    nb = synthetic.correct(course, ASSIGNMENT)
    name = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    synthetic.write_submission(tmp_path / "ann" / ASSIGNMENT, {name: nb, "extra.txt": "x"})
    synthetic.write_submission(tmp_path / "ben" / ASSIGNMENT, {name: nb})
    synthetic.write_submission(tmp_path / "ben" / "no_such_assignment", {"x.ipynb": nb})
    (tmp_path / "ben" / ASSIGNMENT / "link.ipynb").symlink_to("/etc/passwd")
    pairs = collect.from_folder(course, tmp_path)
    assert pairs == [("ann", ASSIGNMENT), ("ben", ASSIGNMENT)]
    assert (course.submitted / "ann" / ASSIGNMENT / "extra.txt").exists()  # reported when graded
    assert not (course.submitted / "ben" / ASSIGNMENT / "link.ipynb").exists()
    assert not (course.submitted / "ben" / "no_such_assignment").exists()
    assert {"ann", "ben"} <= set(_students(course))
    # collecting again replaces a student's folder
    synthetic.write_submission(tmp_path / "again" / "ann" / ASSIGNMENT, {name: nb})
    collect.from_folder(course, tmp_path / "again")
    assert not (course.submitted / "ann" / ASSIGNMENT / "extra.txt").exists()


def test_lms_zip_is_collected_with_nbgraders_zip_collect(course, tmp_path):
    nb = synthetic.correct(course, ASSIGNMENT)
    name = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    folder = tmp_path / "files"
    synthetic.write_submission(folder, {f"carl_{name}": nb, f"dora_{name.replace('.ipynb', ' (1).ipynb')}": nb,
                                        "readme.txt": "not a submission"})
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, f"submissions/{path.name}")
    pairs = collect.from_zip(course, archive)  # the assignment is guessed from the notebook names
    assert pairs == [("carl", ASSIGNMENT), ("dora", ASSIGNMENT)]
    assert (course.submitted / "carl" / ASSIGNMENT / name).exists()
    assert (course.submitted / "dora" / ASSIGNMENT / name.replace(".ipynb", " (1).ipynb")).exists()
    assert {"carl", "dora"} <= set(_students(course))


@pytest.mark.parametrize("preset, path, student, file", [
    ("simple", "/x/extracted/dl/alice_overfitting.ipynb", "alice", "overfitting.ipynb"),
    ("folders", "/x/extracted/dl/alice/overfitting.ipynb", "alice", "overfitting.ipynb"),
    ("moodle", "/x/extracted/dl/Ann Lee_1234_assignsubmission_file_/overfitting.ipynb", "1234", "overfitting.ipynb"),
    ("moodle", "/x/extracted/dl/Ann Lee_1234_assignsubmission_file_overfitting.ipynb", "1234", "overfitting.ipynb"),
    ("canvas", "/x/extracted/dl/leeann_1234_98765_overfitting.ipynb", "1234", "overfitting.ipynb"),
    ("canvas", "/x/extracted/dl/leeann_LATE_1234_98765_overfitting-1.ipynb", "1234", "overfitting-1.ipynb"),
])
def test_name_patterns(preset, path, student, file):
    match = re.match(collect.pattern(preset), path)
    assert match and match["student_id"] == student and match["file_id"] == file


def test_a_pattern_without_the_needed_groups_is_refused():
    with pytest.raises(ValueError, match="student_id"):
        collect.pattern(r".*/(?P<file_id>.+)")


def test_release_is_packed_for_an_lms(course, tmp_path):
    (zip_path,) = pack([ASSIGNMENT], release_dir=course.exercises, dest_dir=tmp_path)
    names = zipfile.ZipFile(zip_path).namelist()
    assert names == [f"{ASSIGNMENT}/{course.notebooks(ASSIGNMENT)[0]}.ipynb"]

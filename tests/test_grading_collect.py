"""Collecting submissions (a folder, an LMS zip through nbgrader's zip_collect) and packing
the release for an LMS."""
import json
import os
import re
import struct
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
    (zip_path,) = pack(course, [ASSIGNMENT], release_dir=course.exercises, dest_dir=tmp_path)
    names = zipfile.ZipFile(zip_path).namelist()
    assert names == [f"{ASSIGNMENT}/{course.notebooks(ASSIGNMENT)[0]}.ipynb"]


def _zip(path, members: dict):
    """A zip at path with {name in the zip: notebook, bytes or str}."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, content in members.items():
            zf.writestr(member, json.dumps(content) if isinstance(content, dict) else content)
    return path


APPLE_DOUBLE = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(64)  # a resource fork's header


def test_macos_metadata_in_a_zip_is_ignored(course, tmp_path):
    """A zip made by macOS's Finder holds `__MACOSX/.../._<name>` resource forks: with the
    simple pattern, `._erin_x.ipynb` would read as student '.'."""
    name = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    archive = _zip(tmp_path / "finder.zip", {f"submissions/erin_{name}": synthetic.correct(course, ASSIGNMENT),
                                              f"__MACOSX/submissions/._erin_{name}": APPLE_DOUBLE,
                                              "submissions/.DS_Store": b"\x00\x00\x00\x01Bud1"})
    assert collect.from_zip(course, archive) == [("erin", ASSIGNMENT)]
    assert os.listdir(course.submitted / "erin" / ASSIGNMENT) == [name]
    assert "." not in _students(course)
    assert not (course.submitted / ASSIGNMENT).exists()  # where student '.' would have landed


def test_macos_metadata_in_a_folder_is_ignored(course, tmp_path):
    name = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    synthetic.write_submission(tmp_path / "fred" / ASSIGNMENT, {name: synthetic.correct(course, ASSIGNMENT),
                                                                f"._{name}": APPLE_DOUBLE})
    synthetic.write_submission(tmp_path / "__MACOSX" / "fred" / ASSIGNMENT, {f"._{name}": APPLE_DOUBLE})
    assert collect.from_folder(course, tmp_path) == [("fred", ASSIGNMENT)]
    assert os.listdir(course.submitted / "fred" / ASSIGNMENT) == [name]


@pytest.mark.parametrize("name_pattern, member, student, why", [
    ("simple", "submissions/.._{nb}", "..", "starts with a dot"),
    ("folders", "submissions/.hidden/{nb}", ".hidden", "starts with a dot"),
    ("simple", "submissions/tab\there_{nb}", "tab\there", "control characters"),
    (r".*/(?P<student_id>[^/_]*)_(?P<file_id>[^/]+)$", "submissions/_{nb}", "", "empty"),
    (r".*/extracted/(?P<student_id>.+)/(?P<file_id>[^/]+)$", "a/b/{nb}", "ids/a/b", "path separator"),
])
def test_a_zip_whose_pattern_reads_unsafe_ids_is_refused(course, tmp_path, name_pattern, member, student, why):
    """Student ids become folder names: '..' would write outside submitted/, hidden or empty
    ones hide a student. The whole zip is refused, with the files and the reason."""
    nb = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    good = "submissions/gina/{nb}" if name_pattern == "folders" else "submissions/gina_{nb}"
    archive = _zip(tmp_path / "ids.zip", {member.format(nb=nb): synthetic.correct(course, ASSIGNMENT),
                                          good.format(nb=nb): synthetic.correct(course, ASSIGNMENT)})
    before = sorted(course.submitted.rglob("*"))
    with pytest.raises(ValueError) as refused:
        collect.from_zip(course, archive, ASSIGNMENT, name_pattern)
    message = str(refused.value)
    assert f"ids/{member.format(nb=nb)}: student id {student!r}" in message and why in message
    assert "nothing was collected" in message and "--pattern" in message
    assert sorted(course.submitted.rglob("*")) == before  # not even gina
    assert not (course.work / ASSIGNMENT).exists()  # where student '..' would have landed
    assert "gina" not in _students(course)


def test_a_folder_with_unsafe_student_names_is_refused(course, tmp_path):
    name = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    for student in (".hidden", "back\\slash", "hal"):
        synthetic.write_submission(tmp_path / student / ASSIGNMENT, {name: synthetic.correct(course, ASSIGNMENT)})
    with pytest.raises(ValueError) as refused:
        collect.from_folder(course, tmp_path)
    message = str(refused.value)
    assert f"{tmp_path / '.hidden'}: it starts with a dot" in message
    assert f"{tmp_path / 'back'}\\slash: it holds a path separator" in message
    assert "nothing was collected" in message
    assert not (course.submitted / "hal").exists() and "hal" not in _students(course)


def _bomb(path, kind):
    """A zip that expands past the default limits: 1.1 GB of zeros (1 MB zipped), or 10,001 files."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        if kind == "bytes":
            with zf.open("submissions/ivan_overfitting.ipynb", "w", force_zip64=True) as member:
                for _ in range(1100):
                    member.write(bytes(1 << 20))
        else:
            for number in range(collect.MAX_FILES + 1):
                zf.writestr(f"submissions/s{number}_overfitting.ipynb", "")
    return path


@pytest.mark.parametrize("kind, expected", [
    ("bytes", "it would expand to 1,153 MB in 1 files, more than the limit of 1,000 MB in 10,000 files"),
    ("files", "it would expand to 0 MB in 10,001 files, more than the limit of 1,000 MB in 10,000 files"),
])
def test_a_zip_bomb_is_refused_before_extracting(course, tmp_path, capsys, kind, expected):
    archive = _bomb(tmp_path / "bomb.zip", kind)
    before = sorted(course.work.rglob("*"))
    assert collect.main([str(archive), "--assignment", ASSIGNMENT, "--course", str(course.root)]) == 2
    error = capsys.readouterr().err
    assert f"refused bomb.zip: {expected}; nothing was extracted" in error
    assert "raise --max-mb or --max-files" in error
    assert sorted(course.work.rglob("*")) == before


def test_a_zip_member_never_expands_past_its_declared_size(tmp_path):
    """The limits count the sizes a zip declares; one that lies (10 MB of data declared as
    100 bytes) is cut at 100 bytes and refused as damaged."""
    path = tmp_path / "liar.zip"
    _zip(path, {"submissions/liar_overfitting.ipynb": bytes(10_000_000)})
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, 100)  # local header: uncompressed size
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 100)  # central directory: the same
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="refused liar.zip: it is damaged .*Bad CRC-32"):
        collect.extract(path, tmp_path / "out")
    assert (tmp_path / "out" / "submissions" / "liar_overfitting.ipynb").stat().st_size <= 100

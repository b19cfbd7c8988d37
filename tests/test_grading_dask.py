"""Grading on a Dask cluster (autograder/cluster.py, worker.py, parcel.py): the same grades,
CSV and feedback as the local pool; a dead worker loses no submission; a job that keeps
killing its workers is reported; bad cluster options are refused; a parcel cannot write
outside its folder.

The class is three students of ch01_overfitting cut after its second graded test (2 + 2
points), graded by the pool and by a Dask LocalCluster of two single-threaded workers,
the jobs sent as data or (--shared-dir) graded in place.
"""
import hashlib
import io
import os
import shutil
import tarfile
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster, WorkerPlugin

from autograder import collect, export, grade, parcel, sandbox, synthetic
from autograder.course import ROOT, Course
from autograder.result import JobResult

pytestmark = pytest.mark.slow

ASSIGNMENT = "ch01_overfitting"


def tree_digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def make_class(base: Path, students: dict[str, bool]) -> Course:
    """A course where each student submits ch01, right (True) or with the first function wrong."""
    course = synthetic.make_course(Course(ROOT), base / "course", [ASSIGNMENT], max_tests=2)
    name = course.notebooks(ASSIGNMENT)[0] + ".ipynb"
    good = synthetic.correct(course, ASSIGNMENT)
    for student, right in students.items():
        synthetic.write_submission(base / "inbox" / student / ASSIGNMENT,
                                   {name: good if right else synthetic.wrong_first(good)})
    collect.from_folder(course, base / "inbox")
    return course


def copy(course: Course, folder: Path) -> Course:
    return Course(shutil.copytree(course.root, folder, symlinks=True))  # its nbgrader config points at itself


def gradebook_scores(course: Course) -> dict:
    from nbgrader.api import Gradebook
    with Gradebook(course.db_url) as gb:
        return {(s.student.id, g.name): (g.score, g.needs_manual_grade)
                for s in gb.assignment_submissions(ASSIGNMENT) for nb in s.notebooks for g in nb.grades}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("dask")
    course = make_class(base, {"s1": True, "s2": False, "s3": True})
    engines = {"pool": grade.Engine(), "local": grade.Engine(kind="local"),
               "shared": grade.Engine(kind="local", shared_dir=True)}
    courses = {name: copy(course, base / name) for name in engines}
    codes = {name: grade.grade(courses[name], grade.Options(workers=2, quiet=True, engine=engine))
             for name, engine in engines.items()}
    return courses, codes


@pytest.mark.parametrize("engine", ["local", "shared"])
def test_a_local_cluster_grades_like_the_pool(graded, engine):
    courses, codes = graded
    pool, other = courses["pool"], courses[engine]
    assert codes == {"pool": 0, "local": 0, "shared": 0}
    assert gradebook_scores(pool) == gradebook_scores(other)
    assert {k[0]: v for k, v in gradebook_scores(other).items() if k[1] == "test_polynomial_features"} == \
        {"s1": (2, False), "s2": (0, False), "s3": (2, False)}
    assert (pool.reports / "grades.csv").read_text() == (other.reports / "grades.csv").read_text()
    assert tree_digest(pool.feedback) == tree_digest(other.feedback)
    assert len(tree_digest(other.feedback)) == 3


@pytest.mark.parametrize("engine", ["local", "shared"])
def test_the_cluster_results_come_back_whole(graded, engine):
    courses, _ = graded
    for student in ("s1", "s2", "s3"):
        folder = courses[engine].jobs / ASSIGNMENT / student
        result = JobResult.load(folder / "result.json")
        assert result.status == "graded" and result.isolated == sandbox.isolation_available()[0]
        assert (folder / "job.log").exists() and (folder / "merged.json").exists()
        assert (courses[engine].autograded / student / ASSIGNMENT).is_dir()


class Saboteur(WorkerPlugin):
    """Kills its worker when it is given the job of `doomed`, and the first time it is given
    the job of `flaky` (the file `mark` says it happened)."""

    name = "saboteur"

    def __init__(self, mark: str):
        self.mark = mark

    def setup(self, worker):
        from autograder import worker as grading
        original, mark = grading.GradingWorker.grade, Path(self.mark)

        def grade_or_die(plugin, job, deadline):
            if job.student == "flaky" and not mark.exists():
                mark.touch()
                os._exit(1)
            if job.student == "doomed":
                os._exit(1)
            return original(plugin, job, deadline)
        grading.GradingWorker.grade = grade_or_die


def test_dead_workers_lose_no_submission(tmp_path):
    course = make_class(tmp_path, {"good": True, "flaky": True, "doomed": True})
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
            LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        client.register_plugin(Saboteur(str(tmp_path / "flaky-died")))
        engine = grade.Engine(kind="scheduler", address=cluster.scheduler_address)
        code = grade.grade(course, grade.Options(workers=2, quiet=True, engine=engine))
    assert (tmp_path / "flaky-died").exists(), "a worker died with flaky's job"
    assert code == 1, "doomed could not be graded"
    header, rows = export.rows(course)
    rows = {r["student_id"]: r for r in rows}
    assert set(rows) == {"good", "flaky", "doomed"}
    assert (rows["good"]["status"], rows["good"]["score"]) == ("graded", "4")
    assert (rows["flaky"]["status"], rows["flaky"]["score"]) == ("graded", "4")
    assert (rows["doomed"]["status"], rows["doomed"]["score"], rows["doomed"]["needs_manual_grade"]) == \
        ("error", "0", "yes")
    assert "every Dask worker that graded it died (2 workers" in rows["doomed"]["attention"]
    result = JobResult.load(course.jobs / ASSIGNMENT / "doomed" / "result.json")
    assert [i.kind.value for i in result.issues] == ["worker_lost"]
    assert (course.feedback / "doomed" / ASSIGNMENT).is_dir()


@pytest.mark.parametrize("argv, message", [
    (["--queue", "gpu"], "--queue is for --cluster slurm|pbs|sge"),
    (["--cluster", "local", "--walltime", "01:00:00"], "--walltime is for --cluster slurm|pbs|sge"),
    (["--cluster-config", "dask.yaml"], "--cluster-config is for --cluster slurm|pbs|sge"),
    (["--shared-dir"], "--shared-dir is for --cluster or --scheduler"),
    (["--cluster", "local", "--scheduler", "tcp://host:8786"], "not allowed with argument"),
])
def test_cluster_options_are_checked(argv, message, capsys):
    with pytest.raises(SystemExit) as exit:
        grade.parse(argv)
    assert exit.value.code == 2
    assert message in capsys.readouterr().err


@pytest.fixture(scope="module")
def small_course(tmp_path_factory):
    return synthetic.make_course(Course(ROOT), tmp_path_factory.mktemp("small") / "course", [ASSIGNMENT], max_tests=1)


@pytest.mark.parametrize("engine, message", [
    (grade.Engine(kind="slurm", queue="short"), "--cluster slurm needs the cores and memory of a batch job"),
    pytest.param(grade.Engine(kind="pbs", cores=4, memory="8 GB"), "submits worker jobs with qsub, which is not on PATH",
                 marks=pytest.mark.skipif(bool(shutil.which("qsub")), reason="qsub is on PATH")),
])
def test_a_queue_is_checked_before_grading(small_course, engine, message, capsys):
    assert grade.grade(small_course, grade.Options(quiet=True, engine=engine)) == 2
    assert message in capsys.readouterr().err


def test_workers_with_other_grader_code_are_refused(small_course, capsys, monkeypatch):
    from autograder import worker
    monkeypatch.setattr(worker, "code_digest", lambda: "not-the-workers-code")  # the grader's side only
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0") as cluster:
        engine = grade.Engine(kind="scheduler", address=cluster.scheduler_address)
        assert grade.grade(small_course, grade.Options(quiet=True, engine=engine)) == 2
    assert "it runs other grader code than the grading run" in capsys.readouterr().err
    assert not (small_course.jobs / ASSIGNMENT).exists(), "nothing was prepared"


def tar_of(*members) -> bytes:
    """A gzip'd tar of (TarInfo, content or None) pairs."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, content in members:
            tar.addfile(info, io.BytesIO(content) if content is not None else None)
    return buffer.getvalue()


def file_member(name: str, content: bytes = b"x"):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    return info, content


def link_member(name: str, target: str, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


@pytest.mark.parametrize("member", [
    file_member("../escaped.txt"),
    file_member("job/../../escaped.txt"),
    file_member("/tmp/regcourse-escaped.txt"),
    link_member("out", "../escaped.txt"),
    link_member("etc", "/etc"),
    link_member("passwd", "/etc/passwd", tarfile.LNKTYPE),
], ids=["dotdot", "nested-dotdot", "absolute", "symlink-out", "absolute-symlink", "hardlink-out"])
def test_a_parcel_cannot_write_outside_its_folder(tmp_path, member):
    data = tar_of(file_member("job.json", b"{}"), member)
    with pytest.raises(tarfile.FilterError):
        parcel.unpack(data, tmp_path / "job")
    assert list((tmp_path / "job").iterdir()) == [], "nothing is extracted from a refused parcel"
    assert not (tmp_path / "escaped.txt").exists()


def test_a_parcel_keeps_its_folder(tmp_path):
    (tmp_path / "a" / "input" / "sub").mkdir(parents=True)
    (tmp_path / "a" / "job.json").write_text("{}")
    (tmp_path / "a" / "input" / "sub" / "nb.ipynb").write_text("notebook")
    (tmp_path / "a" / "input" / "link").symlink_to("sub/nb.ipynb")
    parcel.unpack(parcel.pack(tmp_path / "a", ["job.json", "input", "absent"]), tmp_path / "b")
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    assert os.readlink(tmp_path / "b" / "input" / "link") == "sub/nb.ipynb"

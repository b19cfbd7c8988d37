"""The sandbox a student's kernel runs in (autograder/sandbox.py), tested without nbgrader:
a probe program runs through the launcher exactly as a kernel would and reports what it
could see and do."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import sandbox

AVAILABLE, WHY = sandbox.isolation_available()
needs_isolation = pytest.mark.skipif(not AVAILABLE, reason=f"no isolation on this machine: {WHY}")

PROBE = r"""
import json, os, sys, resource
targets = json.loads(sys.argv[1])
report = {"uid": os.getuid(), "gid": os.getgid(), "cwd": os.getcwd(),
          "pids": sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
          "env": sorted(os.environ), "data_limit": resource.getrlimit(resource.RLIMIT_DATA)[0]}
def attempt(path):
    try:
        with open(path, 'ab') as f:
            f.write(b'PWNED')
        return 'written'
    except OSError as e:
        return type(e).__name__
report["visible"] = {p: os.path.exists(p) for p in targets}
report["writes"] = {p: attempt(p) for p in targets}
open('mine.txt', 'w').write('in my own folder')
report["own_file"] = open('mine.txt').read()
try:
    os.kill(1, 9)
    report["kill_init"] = 'killed'
except OSError as e:
    report["kill_init"] = type(e).__name__
try:
    bytearray(4 * 1024 ** 3)
    report["big_allocation"] = 'allowed'
except MemoryError:
    report["big_allocation"] = 'MemoryError'
import numpy, regcourse, matplotlib.pyplot
report["imports"] = "ok"
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """Run the probe in a sandbox next to a fake course; return (report, paths, outcome)."""
    base = tmp_path_factory.mktemp("sandbox")
    course = base / "course"
    (course / "solutions" / "a1").mkdir(parents=True)
    (course / "autograder" / "submitted" / "bob" / "a1").mkdir(parents=True)
    files = {"gradebook": course / "autograder" / "gradebook.db",
             "hidden tests": course / "solutions" / "a1" / "nb.ipynb",
             "other student": course / "autograder" / "submitted" / "bob" / "a1" / "nb.ipynb",
             "outside": base / "outside.txt"}
    for path in files.values():
        if path.name != "outside.txt":
            path.write_text("original")
    work, root = base / "work", base / "root"
    work.mkdir()
    root.mkdir()
    (work / "probe.py").write_text(PROBE)
    (work / "given.txt").write_text("a file of the submission")
    readonly = sandbox.readonly_paths(sys.executable, forbidden=[str(course), str(base)]) if AVAILABLE else []
    spec = sandbox.make_spec(str(work), str(root), readonly, isolate=AVAILABLE, memory_mb=1024,
                             status_file=str(base / "status.json"))
    (base / "spec.json").write_text(json.dumps(spec))
    connection = base / "connection.json"
    connection.write_text("{}")
    env = dict(os.environ, REGCOURSE_TEST_SECRET="do-not-leak")
    targets = json.dumps([str(p) for p in files.values()])
    done = subprocess.run(sandbox.launcher_command(str(base / "spec.json"))
                          + [sys.executable, "probe.py", targets, "-f", str(connection)],
                          cwd=work, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Matplotlib is building the font cache" not in done.stderr  # stderr costs a test its points
    return json.loads(done.stdout), files, work, json.loads((base / "status.json").read_text())


def test_student_code_runs_and_imports_the_course_packages(probe):
    report, _, _, status = probe
    assert report["imports"] == "ok"
    assert report["own_file"] == "in my own folder"
    assert status["exit_code"] == 0


@needs_isolation
def test_it_cannot_see_or_change_the_grading_files(probe):
    report, files, _, _ = probe
    for name, path in files.items():
        assert report["visible"][str(path)] is False, name
        assert report["writes"][str(path)] != "written", name
        if path.name != "outside.txt":
            assert path.read_text() == "original", name
    assert not files["outside"].exists()


@needs_isolation
def test_its_writes_stay_in_its_private_copy(probe):
    _, _, work, _ = probe
    assert not (work / "mine.txt").exists()  # written inside the sandbox's copy only


@needs_isolation
def test_it_runs_as_an_unprivileged_user_alone_in_its_namespace(probe):
    report, _, _, _ = probe
    assert report["uid"] == sandbox.NOBODY and report["gid"] == sandbox.NOBODY
    assert report["pids"] == [1, 2]  # the sandbox's init and the probe itself
    assert report["kill_init"] == "PermissionError"


def test_the_environment_is_clean_and_memory_is_limited(probe):
    report, _, _, _ = probe
    assert "REGCOURSE_TEST_SECRET" not in report["env"]
    assert "JPY_PARENT_PID" not in report["env"]
    assert report["data_limit"] == 1024 * 1024 ** 2
    assert report["big_allocation"] == "MemoryError"


@needs_isolation
def test_the_memory_cgroup_kills_what_rlimit_data_lets_through(tmp_path):
    """Memory that RLIMIT_DATA does not count (here: a file in the private tmpfs) is still
    bounded: the cgroup kills the kernel and the status says it was the memory limit."""
    work, root = tmp_path / "work", tmp_path / "root"
    work.mkdir()
    root.mkdir()
    spec = sandbox.make_spec(str(work), str(root), sandbox.readonly_paths(sys.executable, [str(tmp_path)]),
                             isolate=True, memory_mb=256, tmp_mb=2048, status_file=str(tmp_path / "status.json"))
    spec["memory_bytes"] = 300 * 1024 ** 2  # below the tmpfs size: filling /tmp must hit it
    if not sandbox.memory_cgroups_available():
        pytest.skip("no memory cgroup available here")
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    code = ("for i in range(10):\n    with open(f'/tmp/big{i}', 'wb') as f:\n"
            "        for _ in range(200):\n            f.write(b'x' * 1024 * 1024)\n")
    connection = tmp_path / "c.json"
    connection.write_text("{}")
    done = subprocess.run(sandbox.launcher_command(str(tmp_path / "spec.json"))
                          + [sys.executable, "-c", code, "-f", str(connection)], cwd=work, capture_output=True,
                          text=True, timeout=120)
    status = json.loads((tmp_path / "status.json").read_text())
    assert done.returncode == 128 + 9 and status["oom_kills"] >= 1
    from autograder.execute import describe_exit
    assert "memory" in describe_exit(status)


def test_paths_that_would_expose_grading_files_are_refused(tmp_path):
    course = tmp_path / "course"
    (course / "src").mkdir(parents=True)
    (course / "solutions").mkdir()
    chosen = sandbox.readonly_paths(sys.executable, forbidden=[str(course / "solutions")],
                                    extra=[str(course), str(course / "src")])
    assert str(course) not in chosen
    assert str(course / "src") in chosen


def test_a_kernel_that_exits_is_reported_with_its_status(tmp_path):
    work, root = tmp_path / "work", tmp_path / "root"
    work.mkdir()
    root.mkdir()
    readonly = sandbox.readonly_paths(sys.executable, [str(tmp_path)]) if AVAILABLE else []
    spec = sandbox.make_spec(str(work), str(root), readonly, isolate=AVAILABLE, memory_mb=512,
                             status_file=str(tmp_path / "status.json"))
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    connection = tmp_path / "c.json"
    connection.write_text("{}")
    done = subprocess.run(sandbox.launcher_command(str(tmp_path / "spec.json"))
                          + [sys.executable, "-c", "import os; os._exit(3)", "-f", str(connection)], cwd=work)
    assert done.returncode == 3
    from autograder.execute import describe_exit
    assert "status 3" in describe_exit(json.loads((tmp_path / "status.json").read_text()))
    assert Path(tmp_path / "status.json").exists()

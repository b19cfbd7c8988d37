"""The sandbox a student's kernel runs in (autograder/sandbox.py), tested without nbgrader:
a probe program runs through the launcher exactly as a kernel would and reports what it
could see and do."""
import json
import os
import socket
import subprocess
import sys

import pytest

from autograder import sandbox
from sandbox_probe import HELPERS

AVAILABLE, WHY = sandbox.isolation_available()
needs_isolation = pytest.mark.skipif(not AVAILABLE, reason=f"no isolation on this machine: {WHY}")

PROBE = HELPERS + r"""
import resource
targets = json.loads(sys.argv[1])
host_port, other_socket = int(sys.argv[2]), sys.argv[3]
report = {"uid": os.getuid(), "gid": os.getgid(), "cwd": os.getcwd(),
          "pids": sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
          "env": sorted(os.environ), "data_limit": resource.getrlimit(resource.RLIMIT_DATA)[0]}
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
report["network"] = {"grader's localhost": connect(socket.AF_INET, ("127.0.0.1", host_port)),
                     "internet": connect(socket.AF_INET, ("1.1.1.1", 53)),
                     "another kernel's socket": connect(socket.AF_UNIX, other_socket)}
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
    work, ipc = base / "work", base / "ipc"
    work.mkdir()
    ipc.mkdir()
    (work / "probe.py").write_text(PROBE)
    (work / "given.txt").write_text("a file of the submission")
    readonly = sandbox.readonly_paths(sys.executable, forbidden=[str(course), str(base)]) if AVAILABLE else []
    spec = sandbox.make_spec(str(work), str(base / "kernel"), readonly, isolate=AVAILABLE, memory_mb=1024,
                             ipc_dir=str(ipc), status_file=str(base / "status.json"))
    (base / "spec.json").write_text(json.dumps(spec))
    env = dict(os.environ, REGCOURSE_TEST_SECRET="do-not-leak")
    targets = json.dumps([str(p) for p in files.values()])
    with socket.create_server(("127.0.0.1", 0)) as server, socket.socket(socket.AF_UNIX) as other:
        other.bind(str(base / "other-kernel.sock"))  # as another kernel's socket would be
        other.listen()
        done = subprocess.run(sandbox.launcher_command(str(base / "spec.json"))
                              + [sys.executable, "probe.py", targets, str(server.getsockname()[1]), str(base / "other-kernel.sock")],
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
def test_it_reaches_no_network_and_no_other_socket(probe):
    report, _, _, _ = probe
    assert report["network"] == {"grader's localhost": "ConnectionRefusedError", "internet": "OSError",
                                 "another kernel's socket": "FileNotFoundError"}


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
    work = tmp_path / "work"
    work.mkdir()
    spec = sandbox.make_spec(str(work), str(tmp_path / "kernel"), sandbox.readonly_paths(sys.executable, [str(tmp_path)]),
                             isolate=True, memory_mb=256, tmp_mb=2048, ipc_dir=str(work),
                             status_file=str(tmp_path / "status.json"))
    spec["memory_bytes"] = 300 * 1024 ** 2  # below the tmpfs size: filling /tmp must hit it
    if not sandbox.memory_cgroups_available():
        pytest.skip("no memory cgroup available here")
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    code = ("for i in range(10):\n    with open(f'/tmp/big{i}', 'wb') as f:\n"
            "        for _ in range(200):\n            f.write(b'x' * 1024 * 1024)\n")
    done = subprocess.run(sandbox.launcher_command(str(tmp_path / "spec.json")) + [sys.executable, "-c", code],
                          cwd=work, capture_output=True, text=True, timeout=120)
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


def _run(tmp_path, code: str, **limits) -> tuple[subprocess.CompletedProcess, dict]:
    """Run `python -c code` through the launcher; return the process and the launcher's status."""
    work = tmp_path / "work"
    work.mkdir()
    readonly = sandbox.readonly_paths(sys.executable, [str(tmp_path)]) if AVAILABLE else []
    spec = sandbox.make_spec(str(work), str(tmp_path / "kernel"), readonly, isolate=AVAILABLE, ipc_dir=str(work),
                             status_file=str(tmp_path / "status.json"), **{"memory_mb": 512, **limits})
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    done = subprocess.run(sandbox.launcher_command(str(tmp_path / "spec.json")) + [sys.executable, "-c", code],
                          cwd=work, capture_output=True, text=True, timeout=120)
    return done, json.loads((tmp_path / "status.json").read_text())


@needs_isolation
def test_the_cpu_quota_slows_a_busy_kernel(tmp_path):
    """A kernel limited to a third of a core gets at most about a third of the CPU time of the
    wall time it spins for (where cgroups are available; less on a busy machine)."""
    spin = ("import json, time\nstart, cpu = time.monotonic(), time.process_time()\n"
            "while time.monotonic() - start < 3: pass\n"
            "print(json.dumps((time.process_time() - cpu) / (time.monotonic() - start)))")
    done, status = _run(tmp_path, spin, cpus=0.33)
    if not status["cpu_limited"]:
        pytest.skip("no cpu cgroup available here")
    assert 0 < json.loads(done.stdout) < 0.45, done.stdout


def test_a_kernel_that_exits_is_reported_with_its_status(tmp_path):
    done, status = _run(tmp_path, "import os; os._exit(3)")
    assert done.returncode == 3
    from autograder.execute import describe_exit
    assert "status 3" in describe_exit(status)

"""Warm kernels (autograder/warm.py): forked from a zygote with Keras imported, each in a
sandbox it enters by itself (autograder/namespaces.py), as isolated as a cold kernel in
bubblewrap (tests/test_grading_sandbox.py): a probe runs in one, as student code would."""
import json
import os
import socket
import subprocess
import sys

import pytest
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from autograder import sandbox, warm
from sandbox_probe import HELPERS

pytestmark = [pytest.mark.slow,  # starts warm kernels
              pytest.mark.skipif(not (warm.available(isolate=True) and sandbox.isolation_available()[0]),
                                 reason="warm isolated kernels need Linux and root")]

PROBE = HELPERS + r"""
import time
try:
    initial = open('/proc/self/environ', 'rb').read().decode()
except OSError as e:
    initial = type(e).__name__
try:
    bytearray(4 * 1024 ** 3)
    big = 'allowed'
except MemoryError:
    big = 'MemoryError'
start, cpu = time.monotonic(), time.process_time()
while time.monotonic() - start < 3:
    pass
print(json.dumps({
    "uid": os.getuid(), "gid": os.getgid(), "hostname": socket.gethostname(), "cwd": os.getcwd(),
    "pids": sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
    "visible": {p: os.path.exists(p) for p in TARGETS}, "writes": {p: attempt(p) for p in TARGETS},
    "environment": sorted(os.environ), "initial_environment": initial,
    "big_allocation": big, "keras_loaded": "keras" in __import__("sys").modules,
    "network": {"grader's localhost": connect(socket.AF_INET, ("127.0.0.1", PORT)),
                "internet": connect(socket.AF_INET, ("1.1.1.1", 53)),
                "the zygote": connect(socket.AF_UNIX, ZYGOTE)},
    "cpu_share": (time.process_time() - cpu) / (time.monotonic() - start)}))
"""


def _run_in_warm_kernel(code: str, spec: dict, folder) -> tuple[str, dict]:
    """Start a kernel through the proxy, run `code`, return what it printed and its end's status."""
    (folder / "spec.json").write_text(json.dumps(spec))
    connection, _ = write_connection_file(os.path.join(spec["ipc_dir"], "kernel.json"), transport="ipc",
                                          ip=os.path.join(spec["ipc_dir"], "kernel"))
    proxy = subprocess.Popen(sandbox.launcher_command(str(folder / "spec.json"), warm=True)
                             + [sys.executable, "-m", "ipykernel_launcher", "-f", connection], stderr=subprocess.DEVNULL)
    client = BlockingKernelClient(connection_file=connection)
    client.load_connection_file()
    client.start_channels(hb=False)
    try:
        client.wait_for_ready(timeout=60)
        printed = []
        reply = client.execute_interactive(code, timeout=60, output_hook=lambda m: printed.append(
            m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
        assert reply["content"]["status"] == "ok", reply["content"]
        client.execute("import os; os._exit(5)")
        assert proxy.wait(timeout=30) == 5
    finally:
        client.stop_channels()
        proxy.kill()
    return "".join(printed), json.loads((folder / "status.json").read_text())


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    base = tmp_path_factory.mktemp("warm")
    course = base / "course"
    (course / "solutions").mkdir(parents=True)
    secret_file = course / "solutions" / "hidden.ipynb"
    secret_file.write_text("original")
    outside = base / "outside.txt"
    work, ipc = base / "work", base / "ipc"
    work.mkdir()
    ipc.mkdir()
    os.environ["REGCOURSE_TEST_SECRET"] = "do-not-leak"
    try:
        zygote = warm.KernelZygote(base / "zygote.log")
    finally:
        del os.environ["REGCOURSE_TEST_SECRET"]
    with zygote, socket.create_server(("127.0.0.1", 0)) as server:
        spec = sandbox.make_spec(str(work), str(base / "kernel"), sandbox.readonly_paths(sys.executable, [str(base)]),
                                 isolate=True, memory_mb=1024, ipc_dir=str(ipc), cpus=0.33, zygote=zygote.ready(),
                                 status_file=str(base / "status.json"), cgroup_name=f"regcourse-warm-test-{os.getpid()}")
        code = (f"TARGETS, PORT, ZYGOTE = {json.dumps([str(secret_file), str(outside)])}, "
                f"{server.getsockname()[1]}, {zygote.address!r}\n" + PROBE)
        printed, status = _run_in_warm_kernel(code, spec, base)
    report = json.loads(printed.strip().splitlines()[-1])
    return report, status, secret_file, outside


def test_a_warm_kernel_starts_with_keras_imported(probe):
    report, status, *_ = probe
    assert report["keras_loaded"]
    assert status["exit_code"] == 5 and status["isolated"]


def test_it_runs_as_nobody_alone_in_its_namespaces(probe):
    report, *_ = probe
    assert (report["uid"], report["gid"], report["hostname"]) == (sandbox.NOBODY, sandbox.NOBODY, "sandbox")
    assert report["pids"] == [1]  # the kernel alone: not the zygote, not the grader, not other kernels


def test_it_sees_and_changes_nothing_of_the_course(probe):
    report, _, secret_file, outside = probe
    for path in (str(secret_file), str(outside)):
        assert report["visible"][path] is False and report["writes"][path] != "written"
    assert secret_file.read_text() == "original" and not outside.exists()


def test_it_reaches_no_network_no_zygote_and_no_other_socket(probe):
    report, *_ = probe
    assert report["network"] == {"grader's localhost": "ConnectionRefusedError", "internet": "OSError",
                                 "the zygote": "FileNotFoundError"}


def test_its_environment_and_the_zygotes_are_clean(probe):
    report, *_ = probe
    assert "REGCOURSE_TEST_SECRET" not in report["environment"]
    assert "do-not-leak" not in report["initial_environment"]


def test_its_memory_and_cpu_are_limited(probe):
    report, status, *_ = probe
    assert report["big_allocation"] == "MemoryError"
    if status["cpu_limited"]:
        assert 0 < report["cpu_share"] < 0.45, report["cpu_share"]  # a third of a core at most

"""Warm kernels: student kernels that start with NumPy, TensorFlow and Keras imported.

Every grading notebook imports Keras, which costs a new Python process about 7.5 s of CPU.
A *kernel zygote* (`KernelZygote`, one per grading run, started by grade.py) imports
ipykernel, NumPy, TensorFlow and Keras, never runs a TensorFlow operation nor any student
code, and forks a kernel for each request:

    zygote ── fork ─> keeper: makes the kernel's cgroups, unshares its namespaces, forks
                      │       the kernel, kills it when its proxy goes, writes how it ended
                      └── fork ─> kernel: enters its sandbox (namespaces.py), becomes nobody,
                                  runs ipykernel's kernel app from the zygote's clean state

jupyter_client starts the *proxy* (`sandbox.py warm SPEC -- KERNEL_ARGV`, see
`sandbox.warm_launch`) as the kernel's process: it asks the zygote for a kernel, forwards
interrupts to it and ends with it. Each kernel is a fresh fork, so nothing of one student's
run is visible to the next. When no zygote answers (a job graded on another machine), the
proxy starts the kernel cold, in bubblewrap. Warm kernels are isolated by hand-written
namespace code (namespaces.py) because bubblewrap can only start a new program; as root
only: without root, isolated kernels start cold.

The zygote's environment is the kernels' own clean one (a fork keeps the zygote's memory,
and a kernel can read the zygote's initial environment in /proc/self/environ).
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from . import namespaces, sandbox

# what a kernel needs, and what ipykernel imports while it starts one (its debugger, IPython's history)
PRELOAD = ("numpy", "keras", "ipykernel.kernelapp", "regcourse.checks", "regcourse.channel.serve",
           "ipykernel.debugger", "IPython.core.completerlib", "IPython.core.debugger", "IPython.extensions.storemagic",
           "tornado.platform.asyncio", "sqlite3")
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # where `-m autograder.warm` is found
MAX_MESSAGE = 1 << 20


class KernelZygote:
    """The zygote process of a grading run. It starts importing at once; `ready()` waits for
    it and returns its socket's address (for the jobs), None if it could not start."""

    def __init__(self, log: Path):
        self.folder = tempfile.mkdtemp(prefix="regcourse-zygote-")  # 0700: no kernel sees it
        self.address = os.path.join(self.folder, "zygote")
        home = os.path.join(self.folder, "home")
        os.makedirs(home)
        with open(log, "w") as messages:
            # its stdin is a pipe from this process: it ends when this process is gone (`_exit_with_parent`)
            self.process = subprocess.Popen([sys.executable, "-m", "autograder.warm", self.address],
                                            env=_environment(home), stdout=subprocess.PIPE, stderr=messages,
                                            stdin=subprocess.PIPE, cwd=PACKAGE_ROOT, text=True)
        self._ready = None

    def ready(self) -> str | None:
        if self._ready is None:
            self._ready = self.process.stdout.readline().strip() == "ready"
        return self.address if self._ready else None

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        self.process.stdin.close()
        subprocess.run(["rm", "-rf", self.folder], check=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _environment(home: str) -> dict:
    """The zygote's (so every warm kernel's) environment: what kernels may see, nothing else."""
    env = {k: v for k, v in os.environ.items() if k in sandbox.ENV_KEEP or k.startswith("LC_")}
    env.update(HOME=home, KERAS_HOME=os.path.join(home, ".keras"),
               PATH=os.pathsep.join([os.path.dirname(sys.executable), "/usr/bin", "/bin"]))
    return env


def _exit_with_parent() -> None:
    """End the zygote when the process that started it is gone (killed too), which closes its stdin."""
    while os.read(0, 4096):  # the file descriptor, no buffer's lock that a fork could inherit held
        pass
    os._exit(0)


def serve(address: str) -> None:
    """The zygote's loop: a forked keeper per request, until it is killed or its parent is gone."""
    import importlib
    import threading
    for name in PRELOAD:
        importlib.import_module(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    os.chmod(address, 0o600)
    listener.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # keepers are reaped by the system
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    print("ready", flush=True)
    while True:
        conn, _ = listener.accept()
        data, fds, _, _ = socket.recv_fds(conn, MAX_MESSAGE, 4)
        if data and len(fds) == 3 and os.fork() == 0:
            listener.close()
            _keeper(json.loads(data), conn, fds)
        conn.close()
        for fd in fds:
            os.close(fd)


def _keeper(request: dict, conn: socket.socket, fds: list[int]) -> None:
    """The kernel's parent: its cgroups and namespaces, then wait for its end."""
    code = 125
    try:
        lifeline, stdout, stderr = fds
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # not the zygote's pipe from the grader
        os.dup2(stdout, 1)
        os.dup2(stderr, 2)
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        spec, argv = request["spec"], request["argv"]
        cgroups = None
        if spec["isolate"]:
            sandbox.prepare_copies(spec)
            cgroups = sandbox.Cgroups(spec["cgroup_name"], spec["memory_bytes"], spec["max_pids"], spec["cpus"])
            namespaces.unshare(namespaces.KEEPER_NAMESPACES)  # the kernel takes a mount namespace of its own
        ready_read, ready_write = os.pipe()
        kernel = os.fork()
        if kernel == 0:
            os.close(ready_write)
            os.read(ready_read, 1)  # wait until it is in its cgroups
            os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # nothing of the zygote's or the keeper's
            _kernel(spec, argv)
        if cgroups is not None:
            cgroups.add(kernel)
        os.write(ready_write, b"x")
        conn.sendall(json.dumps({"pid": kernel}).encode())
        code = _wait(kernel, lifeline)
        sandbox.write_status(spec.get("status_file"), sandbox.status_of(code, cgroups, spec["isolate"]))
        if cgroups is not None:
            cgroups.remove()
    except BaseException as exc:  # noqa: BLE001 - said in the job's log; the proxy reports the exit
        print(f"warm kernel: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
    os._exit(code)


def _wait(kernel: int, lifeline: int) -> int:
    """The kernel's exit code; it is killed when the proxy (the lifeline's other end) goes."""
    pidfd = os.pidfd_open(kernel)
    while True:
        ready, _, _ = select.select([pidfd, lifeline], [], [])
        if pidfd in ready:
            _, status = os.waitpid(kernel, 0)
            return sandbox.exit_code(status)
        os.kill(kernel, signal.SIGKILL)


def _kernel(spec: dict, argv: list[str]) -> None:
    """In the forked kernel: into its sandbox, then ipykernel's kernel app."""
    code = 127
    try:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        if spec["isolate"]:
            namespaces.enter(spec, sandbox.HOME)
            env = sandbox.kernel_env(spec, sandbox.HOME, "/tmp")
        else:
            os.makedirs(spec["home"], exist_ok=True)
            os.chdir(spec["workdir"])
            env = sandbox.kernel_env(spec, spec["home"], spec["home"])
        sandbox.set_limits(spec)
        os.environ.clear()
        os.environ.update(env)
        from ipykernel.kernelapp import IPKernelApp
        args = argv[argv.index("ipykernel_launcher") + 1:]
        sys.argv = [argv[0], *args]
        app = IPKernelApp.instance()
        app.initialize(args)
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:  # noqa: BLE001 - the kernel could not start: say why
        print(f"warm kernel: cannot start: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def available(isolate: bool) -> bool:
    """Whether kernels can start warm here: isolated ones need root (namespaces.py)."""
    return sys.platform.startswith("linux") and (not isolate or os.geteuid() == 0)


if __name__ == "__main__":  # python -m autograder.warm SOCKET: the zygote (KernelZygote starts it)
    serve(sys.argv[1])

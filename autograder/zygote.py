"""A warm parent for short-lived Python processes.

Importing TensorFlow and Keras costs every new Python process about 7.5 s. A `Zygote` is a
process that imports them once and then forks a child for each request: the child starts
with everything already imported and runs the function it was asked to, with the file
descriptors it was given. TensorFlow may be forked only before it has run an operation, so
the zygote imports and never computes (see DESIGN.md: checked on this stack).

    zygote = Zygote(["numpy", "keras"])
    pid = zygote.spawn("package.module:function", [sock.fileno()], "an argument")
"""
from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import subprocess
import sys

MAX_MESSAGE = 1 << 16


class Zygote:
    """A child process that has imported `preload` and forks children on request."""

    def __init__(self, preload: list[str], env: dict | None = None):
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen([sys.executable, "-m", "autograder.zygote", str(theirs.fileno()), *preload],
                                        pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL)
        theirs.close()
        self.sock = ours
        ready = json.loads(self.sock.recv(MAX_MESSAGE) or b"{}")
        if not ready.get("ready"):
            raise RuntimeError(f"the zygote could not start: {ready.get('error', 'it exited')}")

    def spawn(self, target: str, fds: list[int], *args) -> int:
        """Fork a child that runs target(fds, *args) ('module:function'); return its pid."""
        socket.send_fds(self.sock, [json.dumps({"target": target, "args": list(args)}).encode()], fds)
        reply = json.loads(self.sock.recv(MAX_MESSAGE) or b"{}")
        if "pid" not in reply:
            raise RuntimeError(f"the zygote could not start a process: {reply.get('error', 'it exited')}")
        return reply["pid"]

    def close(self) -> None:
        self.sock.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _child(fds: list[int], request: dict) -> None:
    """In the forked child: run the requested function, then exit."""
    code = 1
    try:
        module, function = request["target"].split(":")
        getattr(importlib.import_module(module), function)(fds, *request["args"])
        code = 0
    except BaseException:  # noqa: BLE001 - a child's failure is reported by its exit status
        import traceback
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main(fd: int, preload: list[str]) -> None:
    sock = socket.socket(fileno=fd)
    try:
        for name in preload:
            importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - tell the parent why
        sock.sendall(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode())
        return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    sock.sendall(json.dumps({"ready": True}).encode())
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, MAX_MESSAGE, 16)
        except OSError:
            return
        if not data:
            return  # the parent closed its end
        pid = os.fork()
        if pid == 0:
            sock.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _child(fds, json.loads(data))
        for fd_ in fds:
            os.close(fd_)
        sock.sendall(json.dumps({"pid": pid}).encode())


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])

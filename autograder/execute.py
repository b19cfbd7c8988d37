"""nbgrader's Execute step, with the limits a whole class needs.

`GuardedExecute` replaces nbgrader's `Execute` in `Autograde.autograde_preprocessors`
(see autograder/job.py). It is nbgrader's own preprocessor (same outputs, same grading by
`SaveAutoGrades`), plus:

* a per-notebook time limit besides nbgrader's per-cell one (`Execute.timeout`): each cell
  gets at most what is left of the notebook's budget; once it is spent, the remaining
  cells are not run and carry an error output saying so (a graded cell with an error
  output earns 0, as in nbgrader);
* a cell that does not stop when interrupted, or a kernel that dies (`os._exit`, a crash,
  the memory limit), no longer fails the whole submission: the cell gets an error output
  with the reason, a new kernel re-runs the cells before it (their recorded outputs are
  kept) and grading goes on with the next cell (at most `max_kernel_restarts` times);
* a cap on the output a notebook may produce: beyond it, outputs are dropped and the cell
  gets a note on stdout (never stderr, which would cost a graded cell its points);
* kernels started through the sandbox launcher (autograder/sandbox.py) by
  `SandboxKernelManager`, talking ZeroMQ over Unix sockets in the sandbox's own folder;
* graded test cells never reach the kernel: the trusted `Checker` (checker.py) runs them in
  this process, calling the student's functions over the grading channel while the kernel
  runs `serve(...)` in the cell's place, and the verdict becomes the cell's outputs (nothing,
  or the error the student would see); a kernel restart replays the cells before, never a
  test cell;
* a JSON report of what happened per cell (time, errors, limits hit), for the summary.
"""
from __future__ import annotations

import asyncio
import copy
import hmac
import json
import os
import secrets
import select
import socket
import threading
import time
from pathlib import Path
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer, Type, Unicode

from regcourse.channel import frames
from regcourse.channel.endpoint import GRADER, Endpoint, KernelLost

from . import notebooks, sandbox
from .checker import Checker, Verdict

# What the kernel runs in place of a test cell: it answers the checker's calls, then returns.
SERVE = '__import__("regcourse.channel.serve", fromlist=["serve"]).serve({address!r}, {token!r})'


class ClientWithoutHeartbeat(AsyncKernelClient):
    """A kernel client without the heartbeat channel: whether the kernel lives is the process's
    business (the limits here see to it), and a kernel that garbles its heartbeat socket would
    leave jupyter_client's heartbeat thread waiting forever on its own stop."""

    def start_channels(self, shell=True, iopub=True, stdin=True, hb=True, control=True):
        super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel has answered a kernel_info request on the shell channel and
        reported on IOPub that it is done with it (so IOPub is connected and holds nothing
        more of it). jupyter_client's own version then waits until IOPub has been quiet for
        0.2 s, which every kernel start paid; nbclient ignores messages of other requests."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            request = self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
                while True:  # IOPub connects later than shell: without its answer, ask again
                    message = await self.iopub_channel.get_msg(timeout=0.2)
                    if message["parent_header"].get("msg_id") == request and \
                            message["content"].get("execution_state") == "idle":
                        break
            except Empty:
                pass
            else:
                if reply["msg_type"] == "kernel_info_reply":
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    wait_for_ready = _async_wait_for_ready


class SandboxKernelManager(AsyncKernelManager):
    """Starts each kernel through the sandbox launcher described by a spec file, talking to it
    over Unix sockets (ZeroMQ's ipc transport) in the folder the sandbox binds for it."""

    sandbox_spec = Unicode("", help="JSON file with the sandbox settings (autograder.sandbox.make_spec)").tag(config=True)
    client_factory = Type(ClientWithoutHeartbeat, klass=AsyncKernelClient)
    launches = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        SandboxKernelManager.launches += 1
        self.stem = f"{os.getpid()}-{SandboxKernelManager.launches}"
        if self.sandbox_spec:
            with open(self.sandbox_spec) as f:
                ipc_dir = json.load(f)["ipc_dir"]
            self.transport = "ipc"
            self.connection_file = os.path.join(ipc_dir, f"{SandboxKernelManager.launches}.json")
            self.ip = os.path.join(ipc_dir, str(SandboxKernelManager.launches))

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if not self.sandbox_spec:
            return cmd
        with open(self.sandbox_spec) as f:
            spec = json.load(f)
        folder = os.path.dirname(self.sandbox_spec)
        spec["status_file"] = os.path.join(folder, f"kernel-{self.stem}.status.json")
        spec["cgroup_name"] = f"regcourse-{self.stem}"
        spec["env"].update(self.kernel_spec.env or {})
        python = os.path.realpath(cmd[0])
        if spec["isolate"] and not any(python.startswith(os.path.realpath(p).rstrip("/") + "/")
                                       for p in spec["readonly"]):
            # a kernel with another interpreter than the grader's: let it read that one too
            spec["readonly"] = sandbox.readonly_paths(cmd[0], spec.get("forbidden", []), extra=spec["readonly"])
        launch_file = os.path.join(folder, f"kernel-{self.stem}.json")
        with open(launch_file, "w") as f:
            json.dump(spec, f)
        self.status_file = spec["status_file"]
        return sandbox.launcher_command(launch_file, warm=bool(spec.get("zygote"))) + cmd

    async def _async_finish_shutdown(self, waittime=None, pollinterval=0.01, restart=False):
        """jupyter_client's wait for the kernel's end, looking every 10 ms instead of every 100 ms."""
        await super()._async_finish_shutdown(waittime, pollinterval, restart)

    finish_shutdown = _async_finish_shutdown

    def death_reason(self) -> str:
        """Why the kernel process ended, from the launcher's status file."""
        try:
            with open(self.status_file) as f:
                status = json.load(f)
        except (OSError, AttributeError, ValueError):
            return "the kernel process ended"
        return describe_exit(status)


def describe_exit(status: dict) -> str:
    code = status.get("exit_code")
    if status.get("oom_kills"):
        return "the kernel was killed because it used more memory than the limit allows"
    if code is not None and code > 128:
        signum = code - 128
        names = {9: "SIGKILL (killed)", 11: "SIGSEGV (a crash)", 6: "SIGABRT (a crash)", 7: "SIGBUS (a crash)",
                 15: "SIGTERM", 8: "SIGFPE (a crash)", 4: "SIGILL (a crash)"}
        return f"the kernel process was ended by signal {names.get(signum, signum)}"
    if code == 125:
        return "the sandbox for the kernel could not be built (see the job log)"
    return f"the kernel process exited with status {code} (os._exit, sys.exit from a thread, or a crash)"


def error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class GuardedExecute(Execute):
    notebook_timeout = Integer(900, help="Seconds a whole notebook may run (all cells together).").tag(config=True)
    max_output_bytes = Integer(1_000_000, help="Output a notebook may produce; the rest is dropped.").tag(config=True)
    max_kernel_restarts = Integer(2, help="New kernels after a kernel died or hung, per notebook.").tag(config=True)
    report_directory = Unicode("", help="Folder for a JSON report per notebook.").tag(config=True)
    source_directory = Unicode("", help="nbgrader's source folder: the tests of <assignment>/<notebook>.ipynb "
                                        "(without it, test cells run in the kernel as in nbgrader)").tag(config=True)
    channel_directory = Unicode("", help="Folder of the grading channel's socket (the kernel must see it).").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)

    # -- one notebook -------------------------------------------------------------------
    def preprocess(self, nb, resources=None, km=None):
        self._started = None  # the notebook's time starts with its first cell (not the kernel's start)
        self._stop_reason = ""
        self._restarts = 0
        self._replaying = False
        self._killers: set[int] = set()
        self._output_bytes = 0
        self._truncated: set[int] = set()
        self._cells: list[dict] = []
        self._kernel_start = 0.0
        self._limit_kind = "cell"
        self.timeout_func = self._cell_timeout
        self._checker, self._listener = self._start_checker(resources or {})
        try:
            return super().preprocess(nb, resources, km)
        finally:
            if self._listener is not None:
                self._listener.close()
                os.unlink(self._listener_path)
            self._write_report(resources or {})

    def _start_checker(self, resources) -> tuple[Checker | None, socket.socket | None]:
        """The notebook's Checker and the socket kernels connect to, if its source is known."""
        names = resources.get("nbgrader", {})
        source = Path(self.source_directory) / names.get("assignment", "") / f"{names.get('notebook', '')}.ipynb"
        if not self.source_directory or not source.is_file():
            return None, None
        self._source = source
        self._listener_path = os.path.join(self.channel_directory, "grader")
        if os.path.exists(self._listener_path):
            os.unlink(self._listener_path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self._listener_path)
        os.chmod(self._listener_path, 0o666)  # the kernel's user connects to it
        listener.listen(4)
        return Checker(source), listener

    def _remaining(self) -> float:
        if self._started is None:
            self._started = time.monotonic()
        return self.notebook_timeout - (time.monotonic() - self._started)

    def _cell_timeout(self, cell) -> int:
        remaining = self._remaining()
        if self.timeout and self.timeout > 0 and self.timeout <= remaining:
            self._limit_kind = "cell"
            return self.timeout
        self._limit_kind = "notebook"
        return max(1, int(remaining))

    def _timeout_message(self) -> str:
        if self._limit_kind == "notebook":
            return f"the notebook reached its time limit of {self.notebook_timeout} s during this cell"
        return f"this cell ran longer than the limit of {self.timeout} s"

    async def async_start_new_kernel_client(self):
        started = time.monotonic()
        try:
            return await super().async_start_new_kernel_client()
        finally:
            self._kernel_start += time.monotonic() - started

    async def async_start_new_kernel(self, **kwargs):
        started = time.monotonic()
        try:
            return await super().async_start_new_kernel(**kwargs)
        finally:
            self._kernel_start += time.monotonic() - started

    start_new_kernel = run_sync(async_start_new_kernel)  # nbclient binds these at class creation
    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    # -- one cell -----------------------------------------------------------------------
    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code" or not cell.source.strip() or self._replaying:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        if self._checker is not None and notebooks.is_test(cell):
            return await self._check(cell, cell_index)
        return await self._guarded(cell, cell_index, execution_count, store_history)

    async def _guarded(self, cell, cell_index, execution_count, store_history, grade_id=None):
        """Run a cell in the kernel within the limits; a hung or dead kernel is replaced."""
        grade_id = grade_id or notebooks.grade_id(cell) or ""
        record = {"index": cell_index, "grade_id": grade_id, "seconds": 0.0, "status": "ok", "message": ""}
        self._cells.append(record)
        if not self._stop_reason and self._remaining() <= 0:
            self._stop_reason = f"not run: the notebook reached its time limit of {self.notebook_timeout} s"
        if self._stop_reason:
            cell.outputs = [error_output("NotRun", self._stop_reason)]
            record.update(status="not run", message=self._stop_reason)
            return cell
        self._cell_timeout(cell)  # sets which limit applies to this cell
        self.error_on_timeout = {"ename": "CellTimeoutError", "evalue": self._timeout_message(),
                                 "traceback": [f"CellTimeoutError: {self._timeout_message()}"]}
        started = time.monotonic()
        try:
            cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
            if any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
                record.update(status="timeout", message=self._timeout_message())
        except DeadKernelError:
            reason = self.km.death_reason() if hasattr(self.km, "death_reason") else "the kernel died"
            self._killed(cell, cell_index, record, "KernelDied", f"{reason} while running this cell")
            await self._new_kernel(cell_index)
        except CellTimeoutError:
            if not await self.km.is_alive():  # it died while we waited for it
                reason = self.km.death_reason() if hasattr(self.km, "death_reason") else "the kernel died"
                self._killed(cell, cell_index, record, "KernelDied", f"{reason} while running this cell")
            else:
                self._killed(cell, cell_index, record, "CellTimeoutError",
                             f"{self._timeout_message()}, and it did not stop when interrupted")
            await self._new_kernel(cell_index)
        except (ValueError, KeyError, TypeError) as exc:  # jupyter_client could not read what the kernel sent
            self._killed(cell, cell_index, record, "KernelDied",
                         f"the kernel sent the grader something that is not a Jupyter message ({type(exc).__name__}: "
                         f"{str(exc)[:100]}) while running this cell")
            await self._new_kernel(cell_index)
        finally:
            record["seconds"] = round(time.monotonic() - started, 3)
        if cell_index in self._truncated:
            cell.outputs.append(NotebookNode(
                output_type="stream", name="stdout",
                text=f"\n[output cut by the grader: the notebook printed more than {self.max_output_bytes} bytes]\n"))
            record["truncated"] = True
        if record["status"] == "ok":
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                record.update(status="error", message=f"{errors[-1].get('ename')}: {errors[-1].get('evalue')}")
        return cell

    execute_cell = run_sync(async_execute_cell)

    # -- a graded test cell: the checker decides, the kernel only answers its calls ------
    async def _check(self, cell, cell_index):
        grade_id = notebooks.grade_id(cell)
        token, stop, verdicts = secrets.token_hex(16), threading.Event(), []
        deadline = time.monotonic() + self._cell_timeout(cell)
        worker = threading.Thread(target=self._run_checker, args=(self._checker, grade_id, token, deadline, stop, verdicts),
                                  name=f"checker {grade_id}", daemon=True)
        worker.start()
        serve = NotebookNode(cell_type="code", source=SERVE.format(address=self._listener_path, token=token),
                             metadata=NotebookNode(), outputs=[])
        serve = await self._guarded(serve, cell_index, None, False, grade_id=grade_id)
        self.nb.cells[cell_index] = cell  # nbclient put the cell it ran (serve) in the notebook
        stop.set()
        await asyncio.get_running_loop().run_in_executor(None, worker.join, 10)
        if worker.is_alive():  # still computing after its time: let it finish alone, with a checker of its own
            self._checker = Checker(self._source)
        problems = [o for o in serve.outputs if o.get("output_type") == "error"
                    and o.get("ename") in ("CellTimeoutError", "KernelDied", "NotRun")]
        verdict = verdicts[0] if verdicts else Verdict(ename="KernelLost", kernel_lost=True,
                                                       evalue="the grader got no verdict within the time limit")
        if verdict.kernel_lost and not problems:
            failed = [o for o in serve.outputs if o.get("output_type") == "error"]
            if failed:  # the kernel could not even answer: say why
                verdict.evalue += f" ({failed[-1].get('ename')}: {failed[-1].get('evalue')})"
        cell.outputs = problems or verdict.outputs()
        if not problems and cell_index in self._truncated:
            self._truncated.discard(cell_index)  # what was cut is the kernel's output during the calls
        record = self._cells[-1]
        if record["status"] == "ok" and not verdict.passed:
            record.update(status="error", message=f"{verdict.ename}: {verdict.evalue}"[:300])
        record["checker_seconds"] = verdict.seconds
        if verdict.misconception:
            record["misconception"] = verdict.misconception
        return cell

    def _run_checker(self, checker: Checker, grade_id: str, token: str, deadline: float, stop: threading.Event,
                     verdicts: list) -> None:
        """In a thread: wait for the kernel to connect, then run the test cell in the checker."""
        endpoint = self._accept(token, deadline, stop)
        if isinstance(endpoint, KernelLost):
            verdicts.append(Verdict(ename="KernelLost", evalue=str(endpoint), kernel_lost=True))
            return
        try:
            verdicts.append(checker.run(grade_id, endpoint))
        finally:
            if isinstance(endpoint, Endpoint):
                endpoint.done()
                endpoint.sock.close()

    def _accept(self, token: str, deadline: float, stop: threading.Event) -> Endpoint | KernelLost:
        """The kernel's connection for this cell, or why there is none."""
        while not stop.is_set() and time.monotonic() < deadline:
            if not select.select([self._listener], [], [], 0.1)[0]:
                continue
            sock, _ = self._listener.accept()
            try:
                hello = frames.recv(sock, time.monotonic() + 5)
            except (frames.ChannelClosed, TimeoutError, OSError):
                sock.close()
                continue
            if hmac.compare_digest(str(hello.get("token", "")), token):
                return Endpoint(sock, GRADER, deadline=deadline)
            sock.close()  # not this cell's kernel
        return KernelLost("the kernel did not answer the grader (it did not connect to it)")

    def _killed(self, cell, cell_index, record, ename, message):
        self._killers.add(cell_index)
        cell.outputs = list(cell.get("outputs", [])) + [error_output(ename, message)]
        record.update(status="kernel died" if ename == "KernelDied" else "timeout", message=message)

    async def _new_kernel(self, cell_index):
        """Start a new kernel and re-run the cells before cell_index (except those that
        killed a kernel), keeping their recorded outputs."""
        if self._restarts >= self.max_kernel_restarts:
            # no new kernel: the remaining cells are not run (nbclient cleans up the old one)
            self._stop_reason = "not run: the kernel died or hung too often in earlier cells"
            try:
                await self.km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - already dead
                pass
            return
        self._restarts += 1
        try:
            await self._async_cleanup_kernel()
        except Exception:  # noqa: BLE001 - the old kernel is gone either way
            self.km = self.kc = None
        self.km = self.create_kernel_manager()
        await self.async_start_new_kernel()
        await self.async_start_new_kernel_client()
        self._replaying = True
        try:
            for index in range(cell_index):
                original = self.nb.cells[index]
                if original.cell_type != "code" or index in self._killers or (
                        self._checker is not None and notebooks.is_test(original)):
                    continue
                try:
                    await super().async_execute_cell(copy.deepcopy(original), index, store_history=False)
                finally:
                    self.nb.cells[index] = original
        except (DeadKernelError, CellTimeoutError):
            self._stop_reason = "not run: the kernel died again while re-running the cells before this one"
        finally:
            self._replaying = False

    # -- output cap ---------------------------------------------------------------------
    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(v) if isinstance(v, str) else len(json.dumps(v))
                                                  for v in content.get("data", {}).values())
        size += sum(len(line) for line in content.get("traceback", []))
        if self._replaying:
            return super().output(outs, msg, display_id, cell_index)
        if self._output_bytes + size > self.max_output_bytes:
            self._truncated.add(cell_index)
            self._output_bytes = self.max_output_bytes + 1
            return None
        self._output_bytes += size
        return super().output(outs, msg, display_id, cell_index)

    # -- report -------------------------------------------------------------------------
    def _write_report(self, resources):
        if not self.report_directory:
            return
        notebook = resources.get("nbgrader", {}).get("notebook", "notebook")
        report = {
            "notebook": notebook,
            "seconds": round(time.monotonic() - self._started, 3) if self._started else 0.0,
            "kernel_start_seconds": round(self._kernel_start, 3),
            "cell_seconds": round(sum(c["seconds"] for c in self._cells), 3),
            "restarts": self._restarts,
            "stop_reason": self._stop_reason,
            "truncated": bool(self._truncated),
            "cells": self._cells,
        }
        os.makedirs(self.report_directory, exist_ok=True)
        path = os.path.join(self.report_directory, f"{notebook}.json")
        with open(path, "w") as f:
            json.dump(report, f, indent=1)

"""How student code is isolated while it is graded.

nbgrader runs every notebook in a Jupyter kernel that is an ordinary child process of the
grader: student code could then read or write anything the grader can (the gradebook, the
hidden tests in solutions/, other students' files). Here each kernel is started through
this file, as a *launcher*, which builds a small private machine for it:

* a new mount namespace whose root is a fresh, size-limited tmpfs holding only
  - read-only bind mounts of what a Python kernel needs: the system's /usr and /etc, the
    interpreter and its site-packages, the course package's source, nothing else
    (``readonly`` in the spec; see :func:`kernel_paths`),
  - a private copy of the kernel's working folder (the autograded copy of this one
    submission, which nbgrader has just prepared), writable,
  - a private /tmp and /dev/shm, a minimal /dev and a /proc of its own;
  the gradebook, solutions/, other students' folders and the grader's home simply do not
  exist in there, and nothing the kernel writes survives it;
* new PID and IPC namespaces (the kernel sees and can signal only its own processes);
* an unprivileged user (``nobody`` by default) with no capabilities and ``no_new_privs``,
  so it cannot undo any of the above, and files outside its folder are read-only to it
  even where a bind mount would allow writing;
* limits: a memory cgroup (v1 or v2, nested in the grader's own cgroup) plus RLIMIT_DATA,
  so a big allocation raises MemoryError and a slow leak is killed; a pids cgroup against
  fork bombs; RLIMIT_FSIZE and the tmpfs size against disk filling; RLIMIT_CORE = 0;
* a clean environment (no credentials of the grader leak into ``os.environ``).

Time and output limits are enforced by the grader side (autograder/execute.py), which
talks to the kernel over its ZeroMQ ports as usual (the network namespace is shared).

This needs root (or CAP_SYS_ADMIN) on Linux. Elsewhere :func:`isolation_available` says
why not, and the launcher falls back to limits only (RLIMIT_DATA, RLIMIT_FSIZE, a scratch
working folder): the grader prints a warning, because student code then runs with the
grader's rights.

This module uses the standard library only: it is executed as a script for every kernel
(``python -I -S sandbox.py launch SPEC -- KERNEL_ARGV...``), so it must start quickly.
Run ``python -m autograder.sandbox`` to see what isolation this machine provides.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.abspath(__file__)

# clone/unshare flags and mount flags from <linux/sched.h> and <linux/mount.h>
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID = 0x00020000, 0x08000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}

NOBODY = 65534
# Environment variables the kernel may see (besides its kernelspec's own "env").
ENV_KEEP = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "NBGRADER_EXECUTION", "PYTHONHASHSEED",
            "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "CUDA_VISIBLE_DEVICES", "KERAS_BACKEND",
            "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MPLBACKEND")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
# Devices a Python kernel may need.
DEVICES = ("null", "zero", "full", "random", "urandom")

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: None if s is None else s.encode()  # noqa: E731
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {source} on {target}")


def _unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def _prctl(option: int, arg: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), "prctl")


# ---------------------------------------------------------------------------------------
# what the kernel may read
# ---------------------------------------------------------------------------------------

SYSTEM_PATHS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt/conda")


def kernel_paths(python: str) -> list[str]:
    """Folders a kernel running `python` must be able to read: the interpreter's prefixes and
    every folder on its default sys.path (site-packages, editable installs), found by asking
    that interpreter in a clean environment, so the grader's own sys.path (which may include
    the course folder) plays no part."""
    probe = ("import sys, json, os; print(json.dumps([sys.prefix, sys.base_prefix, sys.exec_prefix,"
             " os.path.dirname(os.path.realpath(sys.executable))] + [p for p in sys.path if p]))")
    out = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin"}, cwd="/").stdout
    paths = []
    for p in json.loads(out):
        p = os.path.realpath(p)
        if p.endswith(".zip") or not os.path.exists(p):
            continue
        paths.append(p)
    return paths


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def readonly_paths(python: str, forbidden: list[str], extra: list[str] = ()) -> list[str]:
    """The read-only part of the sandbox: system folders, the kernel's Python and `extra`,
    minus anything that would expose a `forbidden` folder (the course's solutions/, the
    gradebook, the grading folders): a path that is or contains a forbidden one is refused."""
    forbidden = [os.path.realpath(f) for f in forbidden]
    chosen = []
    for p in [*SYSTEM_PATHS, *kernel_paths(python), *extra]:
        if not os.path.lexists(p):
            continue
        if any(_inside(f, os.path.realpath(p)) for f in forbidden):
            print(f"sandbox: not exposing {p} to student code: it contains grading files", file=sys.stderr)
            continue
        chosen.append(p)
    # drop duplicates and paths inside another chosen path (a bind mount covers its subtree)
    chosen = sorted(set(chosen), key=len)
    result = []
    for p in chosen:
        real = os.path.realpath(p)
        if any(_inside(real, os.path.realpath(q)) for q in result if not os.path.islink(q)):
            if not os.path.islink(p):
                continue
        result.append(p)
    return result


# ---------------------------------------------------------------------------------------
# cgroups (memory and number of processes)
# ---------------------------------------------------------------------------------------

def _own_cgroup(controller: str) -> str | None:
    """Folder of this process's cgroup for a v1 controller, or the v2 folder if controller is ''."""
    try:
        lines = open("/proc/self/cgroup").read().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller and controller in controllers.split(","):
            folder = f"/sys/fs/cgroup/{controller}{path}"
            return folder if os.path.isdir(folder) else None
        if not controller and controllers == "":
            for base in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
                folder = base + path
                if os.path.exists(os.path.join(folder, "cgroup.controllers")):
                    return folder
    return None


class Cgroups:
    """A memory and a pids cgroup for one kernel, nested in the grader's own cgroups
    (so whatever limits the grader itself runs under still apply)."""

    def __init__(self, name: str, memory_bytes: int, max_pids: int):
        self.folders: dict[str, str] = {}
        v1_memory = _own_cgroup("memory")
        if v1_memory and os.path.exists(os.path.join(v1_memory, "memory.limit_in_bytes")):
            self._make("memory", v1_memory, name, {"memory.limit_in_bytes": memory_bytes})
            pids = _own_cgroup("pids")
            if pids:
                self._make("pids", pids, name, {"pids.max": max_pids})
            return
        v2 = _own_cgroup("")
        if v2:
            try:
                enabled = open(os.path.join(v2, "cgroup.subtree_control")).read().split()
            except OSError:
                enabled = []
            if "memory" in enabled:
                limits = {"memory.max": memory_bytes, "memory.swap.max": 0}
                if "pids" in enabled:
                    limits["pids.max"] = max_pids
                self._make("unified", v2, name, limits)

    def _make(self, key: str, parent: str, name: str, limits: dict) -> None:
        folder = os.path.join(parent, name)
        try:
            os.mkdir(folder)
            for file, value in limits.items():
                try:
                    with open(os.path.join(folder, file), "w") as f:
                        f.write(str(value))
                except OSError:
                    if file in ("memory.limit_in_bytes", "memory.max"):
                        raise
        except OSError:
            try:
                os.rmdir(folder)
            except OSError:
                pass
            return
        self.folders[key] = folder

    @property
    def memory_limited(self) -> bool:
        return "memory" in self.folders or "unified" in self.folders

    def add(self, pid: int) -> None:
        for folder in self.folders.values():
            with open(os.path.join(folder, "cgroup.procs"), "w") as f:
                f.write(str(pid))

    def oom_kills(self) -> int:
        """How many processes the kernel's memory limit killed."""
        files = [("memory", "memory.oom_control"), ("unified", "memory.events")]
        for key, file in files:
            if key in self.folders:
                try:
                    for line in open(os.path.join(self.folders[key], file)):
                        if line.startswith("oom_kill "):
                            return int(line.split()[1])
                except OSError:
                    pass
        return 0

    def peak_memory(self) -> int | None:
        for key, file in [("memory", "memory.max_usage_in_bytes"), ("unified", "memory.peak")]:
            if key in self.folders:
                try:
                    return int(open(os.path.join(self.folders[key], file)).read())
                except (OSError, ValueError):
                    pass
        return None

    def remove(self, attempts: int = 10) -> None:
        """Remove the cgroups (they must be empty; leftovers are removed by `remove_stale`)."""
        for folder in self.folders.values():
            for _ in range(attempts):  # processes of a dying namespace take a moment to go
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError as exc:
                    if exc.errno != errno.EBUSY:
                        break
                    time.sleep(0.02)


def memory_cgroups_available() -> bool:
    """Whether kernels get a memory cgroup here (else only RLIMIT_DATA bounds memory)."""
    probe = Cgroups(f"regcourse-check-{os.getpid()}", 512 * 1024 ** 2, 64)
    available = probe.memory_limited
    probe.remove()
    return available


def remove_stale_cgroups(prefix: str) -> None:
    """Remove the empty cgroups whose names start with prefix (from kernels that ended)."""
    for controller in ("memory", "pids", ""):
        parent = _own_cgroup(controller)
        if not parent or not os.path.isdir(parent):
            continue
        for name in os.listdir(parent):
            if name.startswith(prefix):
                try:
                    os.rmdir(os.path.join(parent, name))
                except OSError:
                    pass


# ---------------------------------------------------------------------------------------
# is isolation possible here?
# ---------------------------------------------------------------------------------------

def isolation_available() -> tuple[bool, str]:
    """Whether kernels can be isolated on this machine, and if not, why."""
    if not sys.platform.startswith("linux"):
        return False, f"namespaces need Linux (this is {sys.platform})"
    if os.geteuid() != 0:
        return False, "namespaces and the switch to an unprivileged user need root"
    if platform.machine() not in SYS_PIVOT_ROOT:
        return False, f"unknown pivot_root system call number on {platform.machine()}"
    pid = os.fork()
    if pid == 0:  # try in a throw-away child
        try:
            _unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC)
            _mount(None, "/", None, MS_REC | MS_PRIVATE)
            os._exit(0)
        except OSError as exc:
            os._exit(10 + (exc.errno or 0) % 100)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return False, "creating mount and PID namespaces is not permitted here (a container without CAP_SYS_ADMIN?)"
    return True, "namespaces, an unprivileged user and resource limits"


# ---------------------------------------------------------------------------------------
# the launcher: runs as root, builds the sandbox, runs the kernel in it
# ---------------------------------------------------------------------------------------

def _set_limits(spec: dict) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    fsize = spec["file_bytes"]
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    data = spec["data_bytes"]
    if data:
        resource.setrlimit(resource.RLIMIT_DATA, (data, data))
    nofile = min(4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))


def _kernel_env(spec: dict, home: str, tmp: str) -> dict:
    env = dict(spec["env"])
    env.update(HOME=home, TMPDIR=tmp, PATH=os.pathsep.join(spec["path"]), PYTHONNOUSERSITE="1",
               PYTHONDONTWRITEBYTECODE="1", IPYTHONDIR=os.path.join(home, ".ipython"),
               JUPYTER_RUNTIME_DIR=os.path.join(tmp, ".kernel"), USER="student", LOGNAME="student")
    env.pop("MPLCONFIGDIR", None)  # matplotlib's cache must be HOME/.cache/matplotlib (copied in)
    env.pop("XDG_CACHE_HOME", None)
    env.pop("JPY_PARENT_PID", None)  # the kernel's parent is the launcher: no parent polling
    return env


def _copy_tree(src: str, dst: str) -> None:
    """Copy regular files and folders (never follow or copy symbolic links)."""
    os.makedirs(dst, exist_ok=True)
    for entry in os.scandir(src):
        target = os.path.join(dst, entry.name)
        if entry.is_symlink():
            continue
        if entry.is_dir():
            _copy_tree(entry.path, target)
        elif entry.is_file():
            shutil.copyfile(entry.path, target)


def _chown_tree(path: str, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)


def _build_root(spec: dict, new_root: str, connection_file: str) -> str:
    """Mount the sandbox's file system at new_root; return the connection file's new path."""
    uid, gid = spec["uid"], spec["gid"]
    _mount("tmpfs", new_root, "tmpfs", MS_NOSUID | MS_NODEV, f"size={spec['tmp_bytes']},mode=755")

    def mkdirs(path: str) -> str:
        inside = new_root + path
        os.makedirs(inside, mode=0o755, exist_ok=True)
        return inside

    for path in spec["readonly"]:
        inside = new_root + path
        if os.path.islink(path):
            mkdirs(os.path.dirname(path))
            if not os.path.lexists(inside):
                os.symlink(os.readlink(path), inside)
            continue
        if os.path.isdir(path):
            mkdirs(path)
        else:
            mkdirs(os.path.dirname(path))
            open(inside, "a").close()
        _mount(path, inside, None, MS_BIND)
        _mount(None, inside, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)

    dev = mkdirs("/dev")
    for name in DEVICES:
        open(os.path.join(dev, name), "a").close()
        _mount(f"/dev/{name}", os.path.join(dev, name), None, MS_BIND)
    for name, target in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")]:
        os.symlink(target, os.path.join(dev, name))
    os.chmod(mkdirs("/dev/shm"), 0o1777)
    _mount("proc", mkdirs("/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)

    tmp = mkdirs("/tmp")
    os.chmod(tmp, 0o1777)
    home = mkdirs("/tmp/home")
    for src, dst in spec.get("home_files", {}).items():
        if os.path.isdir(src):
            _copy_tree(src, home + "/" + dst)
    _chown_tree(home, uid, gid)

    # the working folder: a private, writable copy
    workdir = spec["workdir"]
    inside = mkdirs(workdir)
    _copy_tree(workdir, inside)
    _chown_tree(inside, uid, gid)

    kernel_dir = mkdirs("/tmp/.kernel")
    new_connection = os.path.join("/tmp/.kernel", os.path.basename(connection_file))
    shutil.copyfile(connection_file, new_root + new_connection)
    os.chmod(new_root + new_connection, 0o600)
    _chown_tree(kernel_dir, uid, gid)
    return new_connection


def _pivot_root(new_root: str) -> None:
    os.chdir(new_root)
    _check(_libc.syscall(SYS_PIVOT_ROOT[platform.machine()], b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")


def _init(spec: dict, cmd: list[str], connection_file: str) -> None:
    """PID 1 of the sandbox: build the file system, start the kernel, wait for it."""
    try:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the launcher died: take everything down
        _unshare(CLONE_NEWNS)
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        new_connection = _build_root(spec, spec["root_dir"], connection_file)
        _pivot_root(spec["root_dir"])
        # the kernel's connection file moves with it
        cmd = [new_connection if arg == connection_file else arg for arg in cmd]
        env = _kernel_env(spec, "/tmp/home", "/tmp")
    except Exception as exc:  # noqa: BLE001 - report why the sandbox could not be built
        print(f"sandbox: cannot isolate the kernel: {exc}", file=sys.stderr)
        os._exit(125)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # they reach the kernel directly (same process group)
    kernel = os.fork()
    if kernel == 0:
        try:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            os.chdir(spec["workdir"])
            os.setgroups([])
            os.setgid(spec["gid"])
            os.setuid(spec["uid"])
            _prctl(PR_SET_NO_NEW_PRIVS, 1)
            _set_limits(spec)
            os.execve(cmd[0], cmd, env)
        except Exception as exc:  # noqa: BLE001
            print(f"sandbox: cannot start the kernel: {exc}", file=sys.stderr)
        os._exit(127)
    while True:  # reap everything; leave when the kernel is gone
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(127)
        if pid == kernel:
            os._exit(_exit_code(status))


def _exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code  # killed by signal n: 128 + n, like a shell


def _write_status(path: str | None, status: dict) -> None:
    if path:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w") as f:
            json.dump(status, f)
        os.replace(path + ".tmp", path)


def launch(spec: dict, cmd: list[str]) -> int:
    """Run the kernel command `cmd` as the spec says; return its exit code."""
    connection_file = cmd[cmd.index("-f") + 1] if "-f" in cmd else None
    started = time.time()
    if not spec["isolate"]:
        # limits only: the kernel runs with the grader's rights in its scratch folder
        pid = os.fork()
        if pid == 0:
            try:
                _set_limits(spec)
                os.execve(cmd[0], cmd, _kernel_env(spec, spec["home"], spec["home"]))
            finally:
                os._exit(127)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _, status = os.waitpid(pid, 0)
        code = _exit_code(status)
        _write_status(spec.get("status_file"), {"exit_code": code, "oom_kills": 0, "seconds": time.time() - started,
                                                "memory_limited": False, "isolated": False})
        return code

    cgroups = Cgroups(spec["cgroup_name"], spec["memory_bytes"], spec["max_pids"])
    parent = os.getppid()
    _unshare(CLONE_NEWPID | CLONE_NEWIPC)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # becomes PID 1 of the new namespace
        os.close(write_end)
        os.read(read_end, 1)  # wait until it is in its cgroups
        _init(spec, cmd, connection_file)
    os.close(read_end)
    try:
        cgroups.add(pid)
    except OSError as exc:
        print(f"sandbox: cannot apply the memory limit: {exc}", file=sys.stderr)
    os.write(write_end, b"x")
    os.close(write_end)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # the kernel gets them itself (same process group)
    status = None
    while status is None:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = raw
        elif os.getppid() != parent:  # the grader is gone: so must the kernel be
            os.kill(pid, signal.SIGKILL)
        else:
            time.sleep(0.1)
    code = _exit_code(status)
    _write_status(spec.get("status_file"), {
        "exit_code": code, "oom_kills": cgroups.oom_kills(), "peak_memory": cgroups.peak_memory(),
        "memory_limited": cgroups.memory_limited, "isolated": True, "seconds": time.time() - started})
    cgroups.remove()
    return code


# ---------------------------------------------------------------------------------------
# the grader's side: what to write in a spec
# ---------------------------------------------------------------------------------------

def make_spec(workdir: str, root_dir: str, readonly: list[str], *, isolate: bool, memory_mb: int,
              tmp_mb: int = 512, file_mb: int = 256, max_pids: int = 512, uid: int = NOBODY, gid: int = NOBODY,
              env: dict | None = None, python: str = sys.executable, status_file: str | None = None,
              cgroup_name: str = "regcourse-kernel", forbidden: list[str] = (), threads: int = 0) -> dict:
    """Everything the launcher needs, as a JSON-able dict.

    memory_mb bounds the kernel's data (RLIMIT_DATA: allocations beyond it raise
    MemoryError) and, with a margin for its tmpfs and libraries, its memory cgroup (a
    process that exceeds that is killed)."""
    keep = {k: v for k, v in os.environ.items() if k in ENV_KEEP or k.startswith("LC_")}
    if threads:  # several kernels share the cores: each uses its share (BLAS and TensorFlow pools)
        keep.update({name: str(threads) for name in THREAD_VARIABLES})
    keep.update(env or {})
    mb = 1024 * 1024
    home_files = {}
    cache = matplotlib_cache()
    if cache:  # a ready font cache: otherwise matplotlib warns on stderr, which costs a test its points
        home_files[cache] = ".cache/matplotlib"
    return {
        "isolate": isolate, "workdir": os.path.abspath(workdir), "root_dir": root_dir, "home": root_dir,
        "readonly": readonly, "uid": uid, "gid": gid, "env": keep, "home_files": home_files,
        "path": [os.path.dirname(python), "/usr/local/bin", "/usr/bin", "/bin"],
        "data_bytes": memory_mb * mb, "memory_bytes": (memory_mb + tmp_mb + 512) * mb,
        "tmp_bytes": tmp_mb * mb, "file_bytes": file_mb * mb, "max_pids": max_pids,
        "status_file": status_file, "cgroup_name": cgroup_name, "forbidden": list(forbidden),
    }


def matplotlib_cache(python: str = sys.executable) -> str | None:
    """The grader's matplotlib cache folder, built first if it is missing (matplotlib
    announces building it on stderr, in whichever cell imports it first)."""
    folder = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "matplotlib")
    if not any(name.startswith("fontlist") for name in (os.listdir(folder) if os.path.isdir(folder) else [])):
        subprocess.run([python, "-c", "import matplotlib.font_manager"], capture_output=True)
    return folder if os.path.isdir(folder) else None


def launcher_command(spec_file: str, python: str = sys.executable) -> list[str]:
    """The argv prefix that runs a kernel command through this launcher."""
    return [python, "-I", "-S", HERE, "launch", spec_file, "--"]


# ---------------------------------------------------------------------------------------
# python -m autograder.sandbox: show what this machine provides
# ---------------------------------------------------------------------------------------

PROBE = r"""
import os, sys, json
report = {"uid": os.getuid(), "cwd": os.getcwd(), "pids": sorted(int(p) for p in os.listdir('/proc') if p.isdigit())}
def attempt(path):
    try:
        with open(path, 'a') as f:
            f.write('x')
        return 'written'
    except OSError as e:
        return type(e).__name__
targets = sys.argv[1:sys.argv.index("-f")]
report["visible"] = {p: os.path.exists(p) for p in targets}
report["writes"] = {p: attempt(p) for p in targets}
import numpy, regcourse
report["imports"] = "ok"
print(json.dumps(report))
"""


def self_check(paths: list[str]) -> dict:
    """Run a probe in a sandbox as a kernel would be and return what it could see and do."""
    import tempfile
    ok, why = isolation_available()
    with tempfile.TemporaryDirectory(prefix="sandbox-check-") as scratch:
        work, root = os.path.join(scratch, "work"), os.path.join(scratch, "root")
        os.makedirs(work)
        os.makedirs(root)
        probe = os.path.join(work, "probe.py")
        open(probe, "w").write(PROBE)
        forbidden = [p for p in paths if not p.startswith("/etc")]
        spec = make_spec(work, root, readonly_paths(sys.executable, forbidden=forbidden) if ok else [],
                         isolate=ok, memory_mb=1024, status_file=os.path.join(scratch, "status.json"))
        spec_file = os.path.join(scratch, "spec.json")
        json.dump(spec, open(spec_file, "w"))
        fake_connection = os.path.join(scratch, "connection.json")
        open(fake_connection, "w").write("{}")
        out = subprocess.run(launcher_command(spec_file) + [sys.executable, "probe.py", *paths, "-f", fake_connection],
                             cwd=work, capture_output=True, text=True)
        result = json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr}
        result["isolation"] = why
        return result


def _state(path: str):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        return type(exc).__name__


def main() -> None:
    here = os.path.dirname(os.path.dirname(HERE))
    targets = [os.path.join(here, "autograder", "gradebook.db"), os.path.join(here, "solutions"),
               os.path.expanduser("~/.bashrc"), "/etc/passwd", "/tmp/outside-the-sandbox"]
    before = {p: _state(p) for p in targets}
    report = self_check(targets)
    print(f"isolation: {report.pop('isolation')}")
    if "error" in report:
        print(f"the probe failed: {report['error']}")
        return
    print(f"the kernel runs as uid {report['uid']} in {report['cwd']}, sees the processes {report['pids']}, "
          f"imports numpy and regcourse: {report['imports']}")
    print(f"{'path':45} {'kernel sees it':15} {'kernel writing it':20} {'outside afterwards'}")
    for path in targets:
        after = "unchanged" if _state(path) == before[path] else "CHANGED"
        print(f"{path:45} {'yes' if report['visible'][path] else 'no':15} {report['writes'][path]:20} {after}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "launch":
        spec_file, cmd = sys.argv[2], sys.argv[sys.argv.index("--") + 1:]
        with open(spec_file) as f:
            sys.exit(launch(json.load(f), cmd))
    main()

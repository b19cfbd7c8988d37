"""What is wrong with a submitted folder, before nbgrader sees it.

`prepare(...)` copies, from a student's submitted folder, exactly what nbgrader should
grade into a job's folder, and returns the issues it found, each with a kind and a
message an instructor can act on:

| kind | what happened | what is graded |
| --- | --- | --- |
| invalid_notebook | not JSON, empty file, not a notebook | as missing (0 points) |
| missing_notebook | no file of that name | 0 points (nbgrader's rule) |
| misnamed_notebook | e.g. `overfitting (1).ipynb` | that file, as the expected notebook |
| extra_files | files the release does not have | ignored (never reach the kernel, where a `.py` could shadow a module the tests import) |
| kernelspec | saved with another kernel | run with the release's kernel (nbgrader) |
| deleted_cells | release cells missing | restored from the release |
| edited_cells | locked cells (tests, setup) changed | the release's version (nbgrader) |
| moved_cells | release cells in another order | put back in the release's order |
| changed_metadata | nbgrader metadata (points, grade, ...) changed | the release's metadata |
| unknown_cells | cells with a grade_id the release does not have | as ordinary cells |

The repairs themselves are made inside nbgrader's pipeline (nbgrader's OverwriteCells and
OverwriteKernelspec, autograder/sanitize.py); this module only reports.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat

from . import notebooks
from .result import Issue, IssueKind

IGNORED = notebooks.IGNORED | {"timestamp.txt", "__MACOSX"}  # and what nbgrader's exchange and macOS zips add


def read_notebook(path: Path):
    """The notebook at path, or raise ValueError saying why it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError("not a text file") from None
    if not text.strip():
        raise ValueError("the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        raise ValueError("JSON, but not a notebook (no cells)")
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - any reason nbformat gives
        raise ValueError(f"not a valid notebook ({str(exc).splitlines()[0][:200]})") from None
    return nb


def _files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part in IGNORED for part in rel.parts):
            continue
        if path.is_file() or path.is_symlink():
            found.append(path)
    return found


def compare(submitted, release, name: str) -> list[Issue]:
    """Structural differences between a submitted notebook and the released one."""
    issues = []
    kernel = submitted.metadata.get("kernelspec", {}).get("name")
    expected_kernel = release.metadata.get("kernelspec", {}).get("name")
    if kernel != expected_kernel:
        issues.append(Issue(IssueKind.KERNELSPEC, f"{name}: saved with kernel {kernel!r}, graded with {expected_kernel!r}"))
    release_cells = {notebooks.grade_id(c): c for c in release.cells if notebooks.grade_id(c)}
    submitted_cells = {}
    unknown = []
    for cell in submitted.cells:
        gid = notebooks.grade_id(cell)
        if gid is None:
            continue
        if gid not in release_cells:
            unknown.append(gid)
        elif gid not in submitted_cells:
            submitted_cells[gid] = cell
    if not submitted.cells:
        issues.append(Issue(IssueKind.DELETED_CELLS, f"{name}: the notebook has no cells; the release's cells were restored"))
    else:
        deleted = [gid for gid in release_cells if gid not in submitted_cells]
        if deleted:
            issues.append(Issue(IssueKind.DELETED_CELLS, f"{name}: cells deleted, restored from the release: {', '.join(deleted)}"))
    edited, metadata = [], []
    for gid, cell in submitted_cells.items():
        original = release_cells[gid]
        keys = ("grade", "solution", "locked", "task", "points")
        if (cell.cell_type != original.cell_type
                or {k: cell.metadata["nbgrader"].get(k) for k in keys}
                != {k: original.metadata["nbgrader"].get(k) for k in keys}):
            theirs = {k: cell.metadata["nbgrader"].get(k) for k in keys if cell.metadata["nbgrader"].get(k)
                      != original.metadata["nbgrader"].get(k)}
            if cell.cell_type != original.cell_type:
                theirs["cell_type"] = cell.cell_type
            metadata.append(f"{gid} {theirs}")
        if original.metadata["nbgrader"].get("locked") and cell.source != original.source:
            edited.append(gid)
    if edited:
        issues.append(Issue(IssueKind.EDITED_CELLS, f"{name}: locked cells edited, graded with the release's version: {', '.join(edited)}"))
    if metadata:
        issues.append(Issue(IssueKind.CHANGED_METADATA, f"{name}: nbgrader metadata changed, restored: {'; '.join(metadata)}"))
    order = [gid for gid in (notebooks.grade_id(c) for c in submitted.cells) if gid in release_cells]
    release_order = list(release_cells)
    seen = []
    for gid in order:
        if gid not in seen:
            seen.append(gid)
    if seen != sorted(seen, key=release_order.index):
        issues.append(Issue(IssueKind.MOVED_CELLS, f"{name}: cells re-ordered, put back in the release's order"))
    if unknown:
        issues.append(Issue(IssueKind.UNKNOWN_CELLS, f"{name}: cells with ids the release does not have, run as ordinary cells: {', '.join(unknown)}"))
    return issues


def prepare(submitted_dir: Path, release_dir: Path, dest_dir: Path) -> tuple[list[Issue], list[str]]:
    """Copy what should be graded from submitted_dir to dest_dir.

    Returns the issues and the names of the notebooks that will be graded."""
    submitted_dir, release_dir, dest_dir = Path(submitted_dir), Path(release_dir), Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    expected = sorted(p.name for p in release_dir.glob("*.ipynb"))
    release_files = {str(p.relative_to(release_dir)) for p in _files(release_dir)}
    files = {str(p.relative_to(submitted_dir)): p for p in _files(submitted_dir)} if submitted_dir.is_dir() else {}
    issues: list[Issue] = []
    graded: list[str] = []
    timestamp = submitted_dir / "timestamp.txt"
    if timestamp.is_file():
        shutil.copyfile(timestamp, dest_dir / "timestamp.txt")

    valid: dict[str, object] = {}
    for rel, path in files.items():
        if path.suffix == ".ipynb" and not path.is_symlink():
            try:
                valid[rel] = read_notebook(path)
            except ValueError as exc:
                if rel in expected:
                    issues.append(Issue(IssueKind.INVALID_NOTEBOOK, f"{rel} is {exc}: graded as missing (0 points)"))
                else:
                    issues.append(Issue(IssueKind.EXTRA_FILES, f"{rel} is {exc}; ignored"))
    used = set()
    for name in expected:
        release_nb = nbformat.read(release_dir / name, as_version=4)
        chosen = name if name in valid else None
        if chosen is None and name not in files:
            chosen = _find_misnamed(name, release_nb, valid, used | set(expected))
            if chosen:
                issues.append(Issue(IssueKind.MISNAMED_NOTEBOOK, f"{chosen!r} graded as {name} (expected that file name)"))
            else:
                issues.append(Issue(IssueKind.MISSING_NOTEBOOK, f"no {name} in the submission: 0 points for it"))
        if chosen is None:
            continue
        used.add(chosen)
        nbformat.write(valid[chosen], dest_dir / name)
        graded.append(name[:-len(".ipynb")])
        issues.extend(compare(valid[chosen], release_nb, name))

    extra = [rel for rel in files if rel not in used and rel not in expected
             and not (rel in release_files and not files[rel].is_symlink())
             and not any(i.kind == "extra_files" and i.message.startswith(rel + " ") for i in issues)]
    if extra:
        issues.append(Issue(IssueKind.EXTRA_FILES, f"extra files ignored: {', '.join(sorted(extra))}"))
    return issues, graded


def _find_misnamed(name: str, release_nb, valid: dict, taken: set) -> str | None:
    """A submitted notebook with another name that is clearly this one: it holds most of
    the release's cell ids (an LMS renamed it, or the student saved a copy)."""
    wanted = {notebooks.grade_id(c) for c in release_nb.cells if notebooks.grade_id(c)}
    best, best_share = None, 0.5
    for rel, nb in valid.items():
        if rel in taken:
            continue
        ids = {notebooks.grade_id(c) for c in nb.cells if notebooks.grade_id(c)}
        share = len(ids & wanted) / max(1, len(wanted))
        if share > best_share:
            best, best_share = rel, share
    return best


__all__ = ["Issue", "prepare", "compare", "read_notebook"]

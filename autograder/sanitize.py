"""Two nbgrader preprocessors that repair what students do to a notebook's structure.

nbgrader's own sanitizing (`OverwriteCells`) restores the source and points of locked
cells and, with `add_missing_cells`, re-adds deleted *graded* cells. Three things still
break grading of a submission or cost points that the student's answers deserve:

* changed nbgrader metadata, e.g. a test cell marked `grade: false` or `solution: true`:
  nbgrader's checksum check then raises "Inconsistent checksums" and the whole submission
  fails (nbgrader #1941). `RestoreMetadata`, run before `OverwriteCells`, gives every cell
  whose `grade_id` the release knows the release's nbgrader metadata back, and strips
  nbgrader metadata with an unknown `grade_id` (the cell then runs as ordinary code);
* deleted locked cells that are not graded (the setup cell with the imports) and deleted
  solution cells: `RestoreLayout` puts them back from the release (a solution cell comes
  back as the release's stub, so its test fails with "not implemented yet");
* re-ordered cells (a test moved above the function it tests): `RestoreLayout` puts the
  release's cells back in the release's order; cells the student added stay right after
  the release cell they followed.

Both read the released notebook (the student version) from `release_directory`; they
change only structure and metadata, never the student's answers.
"""
from __future__ import annotations

import copy
import os

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from .notebooks import grade_id

NBGRADER_KEYS = ("grade", "solution", "locked", "task", "points", "grade_id", "schema_version")


class _UsesRelease(NbGraderPreprocessor):
    release_directory = Unicode("", help="Folder holding <assignment>/<notebook>.ipynb as released.").tag(config=True)

    def release_notebook(self, resources):
        info = resources["nbgrader"]
        path = os.path.join(self.release_directory, info["assignment"], info["notebook"] + ".ipynb")
        return nbformat.read(path, as_version=4)


class RestoreMetadata(_UsesRelease):
    def preprocess(self, nb, resources):
        release = {grade_id(c): c for c in self.release_notebook(resources).cells if grade_id(c)}
        for cell in nb.cells:
            gid = grade_id(cell)
            if gid is None:
                if "nbgrader" in cell.get("metadata", {}):
                    del cell.metadata["nbgrader"]
                continue
            if gid not in release:
                self.log.warning("Cell with unknown id '%s': graded as an ordinary cell", gid)
                del cell.metadata["nbgrader"]
                continue
            expected = {k: v for k, v in release[gid].metadata["nbgrader"].items() if k in NBGRADER_KEYS}
            current = {k: v for k, v in cell.metadata["nbgrader"].items() if k in NBGRADER_KEYS}
            if current != expected:
                self.log.warning("Metadata of cell '%s' restored: %s -> %s", gid, current, expected)
                cell.metadata["nbgrader"].update(copy.deepcopy(expected))
                for key in set(current) - set(expected):
                    del cell.metadata["nbgrader"][key]
        return nb, resources


class RestoreLayout(_UsesRelease):
    def preprocess(self, nb, resources):
        release_cells = self.release_notebook(resources).cells
        order = [grade_id(c) for c in release_cells if grade_id(c)]
        position = {gid: i for i, gid in enumerate(order)}
        head, groups = [], {}
        current = None
        for cell in nb.cells:
            gid = grade_id(cell)
            if gid in position and gid not in groups:
                current = gid
                groups[gid] = [cell]
            elif current is None:
                head.append(cell)
            else:
                groups[current].append(cell)
        restored = []
        for cell in release_cells:
            gid = grade_id(cell)
            if gid and gid not in groups:
                new = copy.deepcopy(cell)
                if new.cell_type == "code":
                    new.outputs, new.execution_count = [], None
                groups[gid] = [new]
                restored.append(gid)
        if restored:
            self.log.warning("Cells restored from the release: %s", ", ".join(restored))
        submitted_order = [gid for gid in (grade_id(c) for c in nb.cells) if gid in position]
        if submitted_order != sorted(submitted_order, key=position.get):
            self.log.warning("Cells put back in the release's order")
        nb.cells = head + [cell for gid in order for cell in groups[gid]]
        return nb, resources

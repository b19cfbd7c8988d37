"""Synthetic submissions made from the solutions, for the demo, the benchmark and the tests.

`correct(course, assignment)` is the student version (the release) with every solution
cell filled in with our solution; the other functions turn a correct submission into one
of the bad kinds the grader must handle. They work on any assignment: they change "the
first solution cell", "the first test cell", and so on, never a named function.

Each maker returns {relative file name: bytes or notebook}, written by `write_submission`.
"""
from __future__ import annotations

import ast
import copy
import json
from pathlib import Path

import nbformat

from .course import Course
from .notebooks import IGNORED, grade_id, is_setup, is_solution, is_test, nbgrader


def _strip_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def correct(course: Course, assignment: str, notebook: str | None = None, release_dir: Path | None = None):
    """The release notebook (from release_dir, default exercises/<assignment>/) with our
    solutions in its solution cells."""
    notebook = notebook or course.notebooks(assignment)[0]
    release_dir = Path(release_dir) if release_dir else course.exercises / assignment
    source = nbformat.read(course.solutions / assignment / f"{notebook}.ipynb", as_version=4)
    release = nbformat.read(release_dir / f"{notebook}.ipynb", as_version=4)
    answers = {grade_id(c): _strip_markers(c.source) for c in source.cells if is_solution(c)}
    for cell in release.cells:
        if is_solution(cell) and grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return release


def solution_cells(nb) -> list:
    return [c for c in nb.cells if is_solution(c)]


def test_cells(nb) -> list:
    return [c for c in nb.cells if is_test(c) and not is_solution(c)]


def points(nb) -> dict[str, float]:
    return {grade_id(c): float(nbgrader(c)["points"]) for c in test_cells(nb)}


# ---- the bad kinds: each takes a correct notebook, returns a changed copy ---------------------

def _first_solution(nb):
    return solution_cells(nb)[0]


def _first_function_cell(nb):
    """The first solution cell that defines a function (or method)."""
    for cell in solution_cells(nb):
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        if any(isinstance(node, ast.FunctionDef) for node in ast.walk(tree)):
            return cell
    raise ValueError("no solution cell defines a function")


def rewrite_first_function(nb, body: str):
    """A copy whose first function (in the first solution cell defining one) has `body`
    instead of its own (the signature and docstring stay)."""
    nb = copy.deepcopy(nb)
    cell = _first_function_cell(nb)
    lines = cell.source.splitlines()
    func = next(node for node in ast.walk(ast.parse(cell.source)) if isinstance(node, ast.FunctionDef))
    first = func.body[0]
    keep_docstring = (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                      and isinstance(first.value.value, str) and len(func.body) > 1)
    start = (func.body[1] if keep_docstring else first).lineno - 1
    indent = " " * (func.body[-1].col_offset)
    new_body = [indent + line for line in body.splitlines()]
    cell.source = "\n".join(lines[:start] + new_body + lines[func.end_lineno:])
    return nb


def with_code(nb, code: str, where: str = "append", cell=None):
    """A copy whose first solution cell (or `cell`, by index) gets `code` appended or instead."""
    nb = copy.deepcopy(nb)
    target = nb.cells[cell] if cell is not None else _first_solution(nb)
    target.source = code if where == "replace" else target.source + "\n" + code
    return nb


def stub_first(nb):
    """Partly wrong: the first task left as released (raises NotImplementedError)."""
    return rewrite_first_function(nb, "raise NotImplementedError('not implemented yet')")


def wrong_first(nb):
    """Partly wrong: the first function returns None (its test fails)."""
    return rewrite_first_function(nb, "return None")


def syntax_error(nb):
    return with_code(nb, "def broken(:\n    pass")


def exception_in_solution(nb):
    return with_code(nb, "raise RuntimeError('a bug at the top level of a solution cell')")


def endless_function(nb):
    """The first function never returns (a per-cell timeout in its test)."""
    return rewrite_first_function(nb, "while True:\n    pass")


def endless_ignoring_interrupts(nb):
    """A solution cell that loops forever and swallows KeyboardInterrupt."""
    return with_code(nb, "while True:\n    try:\n        while True:\n            pass\n"
                         "    except KeyboardInterrupt:\n        pass")


def slow_cells(nb, seconds: float, count: int):
    """`count` extra cells after the first solution cell, each sleeping `seconds` (each under
    the cell limit, together over the notebook's)."""
    nb = copy.deepcopy(nb)
    index = nb.cells.index(_first_solution(nb))
    for _ in range(count):
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})"))
    return nb


def kernel_exit(nb):
    return with_code(nb, "import os\nos._exit(3)")


def kernel_crash(nb):
    return with_code(nb, "import ctypes\nctypes.string_at(0)")


def memory_hog(nb, gigabytes: int = 64):
    """The first function allocates far more than the memory limit."""
    return rewrite_first_function(nb, f"hog = bytearray({gigabytes} * 1024 ** 3)\nreturn hog")


def huge_output(nb, megabytes: int = 20):
    return with_code(nb, f"for _ in range({megabytes * 16}):\n    print('x' * 65536)")


def delete_first_test(nb):
    nb = copy.deepcopy(nb)
    nb.cells.remove(test_cells(nb)[0])
    return nb


def delete_setup(nb):
    """Deletes the first locked, ungraded code cell (the setup cell with the imports)."""
    nb = copy.deepcopy(nb)
    setup = next(c for c in nb.cells if is_setup(c))
    nb.cells.remove(setup)
    return nb


def edit_first_test(nb):
    """Replaces the first test cell's checks with `pass` and the function with a wrong one."""
    nb = wrong_first(nb)
    test_cells(nb)[0].source = "pass  # all good"
    return nb


def move_first_test_to_top(nb):
    nb = copy.deepcopy(nb)
    cell = test_cells(nb)[0]
    nb.cells.remove(cell)
    nb.cells.insert(0, cell)
    return nb


def change_points(nb, value: float = 100):
    nb = copy.deepcopy(nb)
    nbgrader(test_cells(nb)[0])["points"] = value
    return nb


def ungrade_first_test(nb):
    """Marks the first test cell as not graded and as a solution cell (nbgrader #1941)."""
    nb = copy.deepcopy(nb)
    m = nbgrader(test_cells(nb)[0])
    m["grade"], m["solution"] = False, True
    return nb


def other_kernel(nb):
    nb = copy.deepcopy(nb)
    nb.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    return nb


def no_cells(nb):
    nb = copy.deepcopy(nb)
    nb.cells = []
    return nb


def shadowing_module():
    """Extra files that would make every check pass if the kernel imported them."""
    fake = "def check_array(*a, **k):\n    pass\ncheck_scalar = check_raises = check_that = show_warnings_on_stdout = check_array\n"
    return {"regcourse/__init__.py": b"", "regcourse/checks.py": fake.encode(), "notes.txt": b"my notes"}


def malicious(nb, targets: dict[str, str]):
    """A solution cell that tries to change files it must not reach (paths as the grader
    sees them), to give itself full marks in any gradebook it can find, to end other
    processes, and to read the grader's environment; it also writes into its own folder.
    Everything it manages is printed as JSON on the cell's stdout."""
    code = f"""
import os, json, glob, signal, sqlite3
_report = {{}}
_here = os.getcwd().split('/')
_candidates = ['/'.join(_here[:i]) + '/' + name for i in range(1, len(_here) + 1)
               for name in ('gradebook.db', 'course/gradebook.db', 'autograder/gradebook.db')]
for _db in [p for p in _candidates if os.path.exists(p)] + {json.dumps(list(targets.values()))}:
    try:
        _con = sqlite3.connect(_db)
        _con.execute('update grade set auto_score = 100')
        _con.commit()
        _report['sqlite ' + _db] = 'written'
    except Exception as _e:
        _report['sqlite ' + _db] = type(_e).__name__
def _append(_key, _path):
    try:
        with open(_path, 'ab') as _f:
            _f.write(b'PWNED')
        _report[_key] = 'written'
    except Exception as _e:
        _report[_key] = type(_e).__name__
for _name, _path in {json.dumps(targets)}.items():
    _append(_name, _path)
for _path in _candidates + glob.glob('../../*/*/*.ipynb') + glob.glob('/tmp/*'):
    if os.path.isfile(_path):
        _append(_path, _path)
_mine = set(os.listdir('/proc/self/task'))
for _pid in sorted({{p for p in os.listdir('/proc') if p.isdigit()}} | {{str(p) for p in range(1, 3000)}}, key=int):
    if _pid not in _mine:
        try:
            os.kill(int(_pid), signal.SIGKILL)
            _report['killed ' + _pid] = 'yes'
        except Exception:
            pass
_report['environment'] = sorted(os.environ)
open('written_by_student.txt', 'w').write('fine: my own folder')
print(json.dumps(_report))
"""
    return with_code(nb, code)


# ---- writing a class --------------------------------------------------------------------

def make_course(source: Course, dest: Path, assignments: list[str], max_tests: int | None = None) -> Course:
    """A course in dest with the given assignments of source, released (exercises/ made by
    nbgrader from solutions/), with nothing graded yet. max_tests keeps only the cells up to
    the k-th graded test cell of each notebook (a quick course for tests)."""
    import shutil

    from . import templates

    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy(source.root / "nbgrader_config.py", dest)
    for assignment in assignments:
        shutil.copytree(source.solutions / assignment, dest / "solutions" / assignment,
                        ignore=shutil.ignore_patterns(*IGNORED))
        if max_tests:
            for path in (dest / "solutions" / assignment).glob("*.ipynb"):
                nb = nbformat.read(path, as_version=4)
                graded = [i for i, c in enumerate(nb.cells) if c in test_cells(nb)]
                if len(graded) > max_tests:
                    nb.cells = nb.cells[:graded[max_tests - 1] + 1]
                nbformat.write(nb, path)
    course = Course(dest)
    for assignment in assignments:
        release = templates.build(course, assignment, log=lambda message: None) / "release" / assignment
        shutil.copytree(release, course.exercises / assignment)
    return course


def write_submission(folder: Path, files: dict) -> None:
    """Write {relative name: notebook, bytes or str} into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if hasattr(content, "cells"):
            nbformat.write(content, path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def bad_kinds(course: Course, assignment: str, slow: tuple[float, int] | None = None) -> dict[str, dict]:
    """{kind: files} for every kind of bad submission of one assignment, plus a correct one.

    With slow=(seconds, count), also the kinds that take long by design: a function that
    never returns, a cell that ignores interrupts, and `count` cells sleeping `seconds`."""
    name = course.notebooks(assignment)[0] + ".ipynb"
    good = correct(course, assignment)
    kinds = {
        "correct": {name: good},
        "partly_wrong": {name: wrong_first(good)},
        "stub_left": {name: stub_first(good)},
        "syntax_error": {name: syntax_error(good)},
        "exception": {name: exception_in_solution(good)},
        "kernel_exit": {name: kernel_exit(good)},
        "kernel_crash": {name: kernel_crash(good)},
        "memory_hog": {name: memory_hog(good)},
        "huge_output": {name: huge_output(good)},
        "deleted_test": {name: delete_first_test(good)},
        "deleted_setup": {name: delete_setup(good)},
        "edited_test": {name: edit_first_test(good)},
        "moved_test": {name: move_first_test_to_top(good)},
        "changed_points": {name: change_points(good)},
        "ungraded_test": {name: ungrade_first_test(good)},
        "other_kernel": {name: other_kernel(good)},
        "no_cells": {name: no_cells(good)},
        "invalid_json": {name: b'{"cells": [ this is not json'},
        "empty_file": {name: b""},
        "missing": {"README.txt": b"I forgot the notebook"},
        "misnamed": {name.replace(".ipynb", " (1).ipynb"): good},
        "extra_files": {name: wrong_first(good), **shadowing_module()},
    }
    if slow:
        kinds["endless"] = {name: endless_function(good)}
        kinds["endless_no_interrupt"] = {name: endless_ignoring_interrupts(good)}
        kinds["slow"] = {name: slow_cells(good, *slow)}
    return kinds


# ---- attacks on the grader: each is a wrong first answer plus code that tries to win anyway ----

ATTACKS = {
    "rebind_checks": """
check_array = check_scalar = check_raises = check_that = check_unchanged = lambda *args, **kwargs: None
import regcourse.checks as _checks
for _name in dir(_checks):
    if _name.startswith('check'):
        setattr(_checks, _name, lambda *args, **kwargs: None)
""",
    "replace_code_objects": """
import gc, types
_nothing = (lambda *args, **kwargs: None).__code__
for _f in gc.get_objects():  # every check, also those a test may have captured earlier
    if isinstance(_f, types.FunctionType) and not _f.__closure__ and _f.__name__.startswith(('check', '_check')) \
            and _f.__module__ in ('regcourse.checks', 'regcourse.keras_checks', '__main__'):
        try:
            _f.__code__ = _nothing
        except (TypeError, ValueError):
            pass
""",
    "input_transformer": """
get_ipython().input_transformers_cleanup.append(
    lambda lines: ['pass\\n'] if any('check' in line for line in lines) else lines)
""",
    "ast_transformer": """
import ast
class _NoChecks(ast.NodeTransformer):
    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id.startswith(('check', '_check')):
            return ast.copy_location(ast.Constant(None), node)
        return node
get_ipython().ast_transformers.append(_NoChecks())
""",
    "event_hooks": """
import base64, sys
def _leak(info):
    print('LEAK:' + base64.b64encode(info.raw_cell.encode()).decode())
    print('LEAK:' + base64.b64encode(repr(sys.modules.get('__main__').__dict__.keys()).encode()).decode())
def _forgive(result):
    result.error_in_exec = result.error_before_exec = None
    get_ipython().display_pub.publish({'text/plain': '2.0'})
get_ipython().events.register('pre_run_cell', _leak)
get_ipython().events.register('post_run_cell', _forgive)
""",
    "trace_and_profile": """
import sys, threading
def _skip_raises(frame, event, arg):
    if event == 'line' and 'regcourse/checks' in frame.f_code.co_filename:
        try:  # jump to the function's last line, over any raise
            frame.f_lineno = max(line for _, _, line in frame.f_code.co_lines() if line)
        except ValueError:
            pass
    return _skip_raises
sys.settrace(_skip_raises)
threading.settrace(_skip_raises)
sys.setprofile(lambda frame, event, arg: None)
""",
    "patch_numpy": """
import numpy, numpy.testing
numpy.isclose = lambda a, b, *args, **kwargs: numpy.ones(numpy.broadcast(a, b).shape, bool)
numpy.allclose = numpy.array_equal = lambda *args, **kwargs: True
numpy.testing.assert_allclose = numpy.testing.assert_array_equal = lambda *args, **kwargs: None
""",
    "suppress_tracebacks": """
import sys
get_ipython().showtraceback = lambda *args, **kwargs: None
get_ipython()._showtraceback = lambda *args, **kwargs: None
sys.excepthook = lambda *args: None
""",
    "fake_results_output": """
import sys, json
from IPython.display import display
print('All tests passed. Score: 10/10')
print(json.dumps({'op': 'return', 'value': True}))
sys.stderr.write('')
display({'text/plain': '10'}, raw=True)
get_ipython().events.register('post_execute', lambda: print('test passed'))
""",
    "socket_to_localhost": """
import json, socket
_tried = {}
for _host, _port in [('127.0.0.1', PORT), ('localhost', PORT), ('1.1.1.1', 80)]:
    try:
        socket.create_connection((_host, _port), timeout=2).close()
        _tried[f'{_host}:{_port}'] = 'connected'
    except OSError as _e:
        _tried[f'{_host}:{_port}'] = type(_e).__name__
print(json.dumps(_tried))
""",
}

# Attacks that live in the wrong function itself: they run while the grader calls it.
ATTACK_BODIES = {
    "flood_channel": """
import os, socket
for _fd in range(3, 512):
    try:
        _s = socket.socket(fileno=os.dup(_fd))
    except OSError:
        continue
    try:
        if _s.family == socket.AF_UNIX:
            _s.sendall(b'\\x00\\x00\\x00\\x1c{"op":"return","value":true}' * 1000 + b'\\xff' * 100000)
    except OSError:
        pass
    finally:
        _s.close()
return None""",
    "close_channel": """
import os, socket
for _fd in range(3, 512):
    try:
        _s = socket.socket(fileno=os.dup(_fd))
    except OSError:
        continue
    _kind = _s.family
    _s.close()
    if _kind == socket.AF_UNIX:
        try:
            os.close(_fd)
        except OSError:
            pass
return None""",
    "array_subclass_liar": """
class _Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), bool)
    __ne__ = lambda self, other: np.zeros(np.shape(other), bool)
    def __array_ufunc__(self, *args, **kwargs):
        return np.True_
class _Pretender:
    shape = (0,)
    def __array__(self, *args, **kwargs):
        return np.zeros((1, 1))
    def __eq__(self, other):
        return True
return np.zeros((len(np.ravel(x)), max(degree, 0) + 1)).view(_Liar) if np.ndim(x) == 1 else _Pretender()""",
}


# Code that breaks the kernel's own side of the grading channel: it can only lose points.
SABOTAGE = {
    "replace_every_function": """
import gc, types
_nothing = (lambda *args, **kwargs: None).__code__
for _f in gc.get_objects():
    if isinstance(_f, types.FunctionType) and not _f.__closure__ and (_f.__module__ or '').startswith('regcourse'):
        try:
            _f.__code__ = _nothing
        except (TypeError, ValueError):
            pass
""",
    "transform_every_cell": """
get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])
""",
}


def sabotage(nb) -> dict:
    """{name: notebook}: a wrong first answer plus code that breaks the kernel's answers."""
    wrong = wrong_first(nb)
    return {name: with_code(wrong, code) for name, code in SABOTAGE.items()}


def attacks(nb, localhost_port: int) -> dict:
    """{name: notebook}: a wrong first answer (it returns None, or runs the attack) plus one
    attack each; they must lose exactly the first test's points. The socket attack tries the
    grader's localhost on `localhost_port`."""
    wrong = wrong_first(nb)
    made = {name: with_code(wrong, code.replace("PORT", str(localhost_port))) for name, code in ATTACKS.items()}
    made.update({name: rewrite_first_function(nb, body) for name, body in ATTACK_BODIES.items()})
    return made


def private_names(nb):
    """A correct submission whose first function relies on globals of its own named like the
    tests' private variables (a test cell assigning them in the kernel would break it)."""
    name = next(node.name for node in ast.walk(ast.parse(_first_function_cell(nb).source))
                if isinstance(node, ast.FunctionDef))
    names = ("_x", "_y", "_rng", "_result", "_arrays", "_what", "_cases", "_label", "_seed", "_shape")
    code = (" = ".join(names) + " = 'mine'\n"
            f"_mine = {name}\n\n\n"
            f"def {name}(*args, **kwargs):\n"
            f"    assert ({', '.join(names)}) == ('mine',) * {len(names)}, 'my helpers were overwritten'\n"
            "    return _mine(*args, **kwargs)\n")
    return with_code(nb, code, cell=nb.cells.index(_first_function_cell(nb)))

"""The student's workflow in JupyterLab (issue 10), driven in Debian's Chromium.

JupyterLab is started the way `make lab` starts it (`jupyter lab exercises`, from a folder
that holds nbgrader_config.py and exercises/), on 127.0.0.1 with a token, in a temporary
copy of the course so that nothing in the repository changes. A student opens the first
exercise, writes an answer to task 1, restarts the kernel and runs all cells, reads the
public test's verdict, and presses nbgrader's Validate button; once with a correct answer,
once with a wrong one.

Students and instructors get different Labs. The student's (`make lab`) has Validate and, only
where an nbgrader exchange is configured, the Assignments list; none of nbgrader's instructor
tools (formgrader, Create Assignment, the course list), neither in the browser nor on the
server. The instructor's (`make lab-instructor`, on the whole course) has all of them.
Screenshots go to test-artifacts/lab/.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from browser import ROOT, artifact, chromium
from regcourse.kernel import kernel_spec

pytestmark = pytest.mark.slow  # starts JupyterLab in a browser

ASSIGNMENT, NOTEBOOK, TASK = "ch01_overfitting", "overfitting.ipynb", "polynomial_features"
COURSE_KERNEL = kernel_spec()["display_name"]  # what `make setup` installs as the python3 kernel
JUPYTER = Path(sys.executable).parent / "jupyter"
CORRECT = '''def polynomial_features(x, degree):
    """Columns x**0, x**1, ..., x**degree of a 1-D array x."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    if degree < 0:
        raise ValueError(f"degree must be >= 0, got {degree}")
    return x[:, None] ** np.arange(degree + 1)
'''
# A plausible mistake: np.vander's second argument is the number of columns, not the degree.
WRONG = '''def polynomial_features(x, degree):
    return np.vander(x, degree, increasing=True)
'''
WRONG_MESSAGE = "returned shape (2, 2); expected shape (2, 3)"
NOT_IMPLEMENTED = "not implemented yet"


def nbgrader_cells(notebook: Path) -> list[dict]:
    """grade_id, solution/grade flags of every cell, in notebook order."""
    cells = json.loads(notebook.read_text())["cells"]
    return [{"grade_id": c["metadata"].get("nbgrader", {}).get("grade_id"),
             "solution": c["metadata"].get("nbgrader", {}).get("solution", False),
             "grade": c["metadata"].get("nbgrader", {}).get("grade", False),
             "source": "".join(c["source"])} for c in cells]


class Lab:
    """A JupyterLab server on a copy of the course, and a browser tab on one notebook."""

    def __init__(self, course: Path, port: int, token: str, process: subprocess.Popen, log: Path):
        self.course, self.port, self.token, self.process, self.log = course, port, token, process, log
        self.base = f"http://127.0.0.1:{port}"
        self.page = None
        self.external: list[str] = []
        self.console: list[str] = []

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.base}{path}?token={self.token}", method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def wait_until_up(self, timeout: float = 180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"JupyterLab exited ({self.process.returncode}):\n{self.log.read_text()[-3000:]}")
            try:
                self.api("/api/status")
                return
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"JupyterLab did not answer in {timeout} s:\n{self.log.read_text()[-3000:]}")

    def stop(self):
        try:
            for kernel in self.api("/api/kernels"):
                self.api(f"/api/kernels/{kernel['id']}", "DELETE")
            self.api("/api/shutdown", "POST")
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            # The server started its own session: end it and its kernels.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    # --- the notebook in the browser -----------------------------------------------------

    def cell(self, index: int):
        return self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(index)

    def cell_output(self, index: int) -> str:
        return self.cell(index).locator(".jp-OutputArea").text_content()

    def state(self) -> str:
        """Each cell's prompt and the start of its output, to explain a failure."""
        rows = self.page.evaluate("""() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')]
          .map((c, i) => i + ' ' + ((c.querySelector('.jp-InputPrompt') || {}).textContent || '') + ' '
            + ((c.querySelector('.jp-OutputArea') || {}).textContent || '').trim().slice(0, 100).replace(/\\s+/g, ' '))""")
        return "\n".join(rows)

    def write_cell(self, index: int, code: str):
        """Replace a code cell's text as a student would: click in it, select all, type (paste)."""
        cell = self.cell(index)
        cell.scroll_into_view_if_needed()
        cell.locator(".cm-content").click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(code)
        self.page.keyboard.press("Escape")  # back to command mode
        text = cell.locator(".cm-content").inner_text()
        assert text.strip().splitlines()[0] == code.strip().splitlines()[0], f"the editor holds {text!r}"

    def restart_and_run_all(self, wait_for_cell: int, timeout_ms: int = 180_000):
        """The header's advice: Kernel -> Restart Kernel and Run All Cells. Run All stops at the
        first cell that fails: wait until wait_for_cell (that cell) has run and the kernel is idle."""
        self.page.get_by_role("menuitem", name="Kernel", exact=True).click()
        self.page.get_by_role("menuitem", name=re.compile(r"^Restart Kernel and Run All Cells")).click()
        self.page.locator(".jp-Dialog .jp-mod-accept").click()
        self.page.wait_for_function(
            """index => {
              const cells = document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell');
              const prompt = cells[index].querySelector('.jp-InputPrompt').textContent;
              const busy = [...cells].some(c => (c.querySelector('.jp-InputPrompt') || {}).textContent === '[*]:');
              const status = document.querySelector('.jp-NotebookPanel-toolbar [data-jp-item-name=executionProgress]');
              return /\\[\\d+\\]/.test(prompt) && !busy && status && /Idle/.test(status.textContent);
            }""", arg=wait_for_cell, timeout=timeout_ms, polling=500)

    def validate(self, screenshot: str, timeout_ms: int = 300_000) -> str:
        """Press nbgrader's Validate button; return the text of the results dialog."""
        self.page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).click()
        dialog = self.page.locator(".jp-Dialog")
        dialog.locator("#validation-message").wait_for(timeout=timeout_ms)
        title = dialog.locator(".jp-Dialog-header").inner_text()
        assert "Validation Results" in title, title
        text = dialog.locator("#validation-message").inner_text()
        self.page.screenshot(path=str(artifact(f"lab/{screenshot}")))
        dialog.locator(".jp-mod-accept").click()
        dialog.wait_for(state="detached")
        return text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_course(work: Path, exchange: bool) -> tuple[Path, dict]:
    """A copy of the course in work/course, and an environment with fresh per-user Jupyter state,
    so that nothing from this machine's user leaks in (the course kernel and the nbgrader
    extensions live in the venv, which stays visible). The user's nbgrader config puts the
    exchange in work/exchange, which exists only if exchange is true."""
    course = work / "course"
    course.mkdir()
    shutil.copytree(ROOT / "exercises", course / "exercises")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(work / "config"), JUPYTER_RUNTIME_DIR=str(work / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(work / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"),
               IPYTHONDIR=str(work / "ipython"))
    env.pop("JUPYTER_CONFIG_PATH", None)
    settings = work / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    (work / "config").mkdir()
    (work / "config" / "nbgrader_config.py").write_text(f"c.Exchange.root = {str(work / 'exchange')!r}\n")
    if exchange:
        (work / "exchange").mkdir()
    return course, env


def student_lab_config(folder: Path, env: dict) -> None:
    """The student Lab's config folder, written by the Makefile as `make lab` writes it."""
    result = subprocess.run(["make", "-s", "-C", str(ROOT), "student-lab-config", f"VENV={sys.prefix}",
                             f"STUDENT_LAB={folder}"], env=env, capture_output=True, text=True)
    if result.returncode:
        pytest.fail(f"make student-lab-config failed:\n{result.stdout}{result.stderr}")


@contextlib.contextmanager
def running_lab(work: Path, student: bool, exchange: bool = False):
    """JupyterLab as `make lab` (student) or `make lab-instructor` starts it, from the root of a
    scratch copy of the course, on 127.0.0.1 with a token."""
    course, env = scratch_course(work, exchange)
    command = [str(JUPYTER), "lab"]
    if student:
        student_lab_config(work / "student-lab", env)
        env["JUPYTER_CONFIG_PATH"] = str(work / "student-lab")
        command.append("exercises")
    port, token = free_port(), secrets.token_hex(24)
    command += ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
                f"--IdentityProvider.token={token}", "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.extension_manager=readonly"]
    if os.geteuid() == 0:  # CI and this machine run as root; students do not
        command.append("--allow-root")
    log = work / "jupyterlab.log"
    with open(log, "w") as log_file:
        process = subprocess.Popen(command, cwd=course, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = Lab(course, port, token, process, log)
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module (Playwright's sync API allows one at a time)."""
    with chromium(viewport={"width": 1280, "height": 900}) as context:
        yield context


@contextlib.contextmanager
def tab_on(browser, server: Lab, path: str):
    """A browser tab on a page of the server; requests elsewhere are blocked and recorded."""
    def route(route):
        if route.request.url.startswith(server.base):
            return route.continue_()
        server.external.append(route.request.url)
        return route.abort()

    page = server.page = browser.new_page()
    try:
        page.route("**/*", route)
        page.on("console", lambda msg: msg.type == "error" and server.console.append(msg.text))
        page.on("pageerror", lambda exc: server.console.append(f"uncaught: {exc}"))
        page.goto(f"{server.base}/{path}?token={server.token}")
        page.locator(".jp-DirListing-item").first.wait_for(timeout=180_000)  # Lab has started
        yield page
    finally:
        page.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser):
    """`make lab` in a scratch copy of the course, with Chromium on the exercise."""
    with running_lab(tmp_path_factory.mktemp("lab"), student=True) as server, \
            tab_on(browser, server, f"lab/tree/{ASSIGNMENT}/{NOTEBOOK}") as page:
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=180_000)
        page.wait_for_function(
            """() => {
              const kernel = document.querySelector('.jp-NotebookPanel-toolbar [data-jp-item-name=kernelName]');
              const status = document.querySelector('.jp-NotebookPanel-toolbar [data-jp-item-name=executionProgress]');
              return kernel && !/No Kernel/.test(kernel.textContent) && status && /Idle/.test(status.textContent);
            }""", timeout=180_000, polling=500)
        yield server


def test_the_exercise_opens_with_the_course_kernel_and_the_validate_button(lab):
    toolbar = lab.page.locator(".jp-NotebookPanel-toolbar")
    assert toolbar.locator("[data-jp-item-name=kernelName]").inner_text().strip() == COURSE_KERNEL
    assert toolbar.get_by_text("Validate", exact=True).is_visible(), "nbgrader's Validate button is missing"
    header = lab.cell(0).inner_text()
    for what in ("points", "Validate", "submit"):
        assert what.lower() in header.lower(), f"the exercise header does not mention {what!r}"
    lab.page.screenshot(path=str(artifact("lab/opened.png")))
    assert not lab.external, f"JupyterLab tried to reach the network: {lab.external}"


# --- what students and instructors see ---------------------------------------------------

INSTRUCTOR_MENU_ITEMS = {"Formgrader", "Course List", "Create assignment"}
CREATE_ASSIGNMENT_PANEL = "Create Assignment"
# nbgrader's server side of the formgrader and of the course list, and of what Validate asks first.
FORMGRADER_API, COURSE_LIST_API, VERSION_API = "/formgrader/api/status", "/formgraders", "/nbgrader_version"


def menu_bar(page) -> list[str]:
    return page.locator("#jp-menu-panel .lm-MenuBar-item").all_inner_texts()


def menu_items(page, menu: str) -> list[str]:
    """The items a top-level menu shows (JupyterLab hides those whose plugin is off)."""
    page.get_by_role("menuitem", name=menu, exact=True).click()
    items = page.locator(".lm-Menu .lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel").all_inner_texts()
    page.keyboard.press("Escape")
    return items


def side_panels(page) -> list[str]:
    """The labels of the panels in the left and right side bars."""
    return page.locator(".jp-SideBar .lm-TabBar-tab").evaluate_all(
        "tabs => tabs.map(tab => tab.textContent.trim() || tab.title)")


def status(server: Lab, path: str, **query) -> int:
    """The HTTP status of a GET of the server's path."""
    url = f"{server.base}{path}?{urllib.parse.urlencode({**query, 'token': server.token})}"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_student_lab_has_no_instructor_tools(lab):
    page = lab.page
    assert page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).is_visible()
    assert "Nbgrader" not in menu_bar(page), "with no exchange the Nbgrader menu has nothing for students"
    assert CREATE_ASSIGNMENT_PANEL not in side_panels(page), side_panels(page)
    assert status(lab, FORMGRADER_API) == 404, "the formgrader's server extension runs in the student Lab"
    assert status(lab, COURSE_LIST_API) == 404, "the course list's server extension runs in the student Lab"
    assert status(lab, VERSION_API, version="0") == 200, "Validate cannot check nbgrader's version"
    page.screenshot(path=str(artifact("lab/student-view.png")))


def test_the_student_lab_lists_assignments_where_an_exchange_is_configured(tmp_path, browser):
    with running_lab(tmp_path, student=True, exchange=True) as server, tab_on(browser, server, "lab") as page:
        assert "Nbgrader" in menu_bar(page), menu_bar(page)
        assert menu_items(page, "Nbgrader") == ["Assignment List"]
        page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
        page.get_by_role("menuitem", name="Assignment List", exact=True).click()
        panel = page.locator(".nbgrader-mainarea-widget")
        page.wait_for_function("""() => {
          const panel = document.querySelector('.nbgrader-mainarea-widget');
          return panel && /Released assignments/.test(panel.innerText) && !/Loading, please wait/.test(panel.innerText);
        }""", timeout=60_000, polling=500)
        page.screenshot(path=str(artifact("lab/student-view-with-exchange.png")))
        assert "There are no assignments to fetch" in panel.inner_text(), panel.inner_text()
        assert not page.locator(".jp-Dialog").count(), page.locator(".jp-Dialog").inner_text()
        assert CREATE_ASSIGNMENT_PANEL not in side_panels(page), side_panels(page)
        assert status(server, FORMGRADER_API) == 404
        assert not server.external, f"JupyterLab tried to reach the network: {server.external}"


def test_the_instructor_lab_has_all_of_nbgrader(tmp_path, browser):
    with running_lab(tmp_path, student=False) as server, tab_on(browser, server, "lab") as page:
        assert INSTRUCTOR_MENU_ITEMS | {"Assignment List"} <= set(menu_items(page, "Nbgrader"))
        assert CREATE_ASSIGNMENT_PANEL in side_panels(page), side_panels(page)
        assert status(server, FORMGRADER_API) == 200 and status(server, COURSE_LIST_API) == 200
        page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
        page.get_by_role("menuitem", name="Formgrader", exact=True).click()
        formgrader = page.frame_locator("iframe[src$='/formgrader']")
        formgrader.get_by_text("Manage Assignments").first.wait_for(timeout=60_000)
        page.screenshot(path=str(artifact("lab/instructor-formgrader.png")))
        assert not server.external, f"JupyterLab tried to reach the network: {server.external}"


def test_a_correct_answer_passes_its_public_test_and_validation(lab):
    cells = nbgrader_cells(lab.course / "exercises" / ASSIGNMENT / NOTEBOOK)
    solution = next(i for i, c in enumerate(cells) if c["grade_id"] == TASK)
    test = next(i for i, c in enumerate(cells) if c["grade_id"] == f"test_{TASK}")
    other_tests = [i for i, c in enumerate(cells) if c["grade"] and i != test]

    lab.write_cell(solution, CORRECT)
    lab.restart_and_run_all(wait_for_cell=other_tests[0])
    assert lab.cell_output(test).strip() == "", f"the public test of {TASK} failed:\n{lab.state()}"
    # Run All stops at the first failing cell: the next task's test, which is not done yet.
    first_unfinished = lab.cell_output(other_tests[0])
    assert NOT_IMPLEMENTED in first_unfinished, lab.state()
    lab.cell(test).scroll_into_view_if_needed()
    lab.page.screenshot(path=str(artifact("lab/correct-answer-run.png")))

    report = lab.validate("correct-answer-validated.png")
    saved = nbgrader_cells(lab.course / "exercises" / ASSIGNMENT / NOTEBOOK)
    assert saved[solution]["source"].strip() == CORRECT.strip(), "Validate did not save the student's answer"
    # Task 1 passes; every other graded test fails because its task is not implemented yet.
    assert report.count("The following cell failed:") == len(other_tests), report
    assert report.count(NOT_IMPLEMENTED) >= len(other_tests), report
    assert cells[test]["source"].splitlines()[0] not in report, "the test of the answered task was reported as failing"


def test_a_wrong_answer_fails_with_a_message_that_says_why(lab):
    cells = nbgrader_cells(lab.course / "exercises" / ASSIGNMENT / NOTEBOOK)
    solution = next(i for i, c in enumerate(cells) if c["grade_id"] == TASK)
    test = next(i for i, c in enumerate(cells) if c["grade_id"] == f"test_{TASK}")
    graded = [i for i, c in enumerate(cells) if c["grade"]]

    lab.write_cell(solution, WRONG)
    lab.restart_and_run_all(wait_for_cell=test)
    output = lab.cell_output(test)
    assert WRONG_MESSAGE in output, f"the student sees:\n{output}"
    assert "AssertionError" in output, output
    lab.cell(test).scroll_into_view_if_needed()
    lab.page.screenshot(path=str(artifact("lab/wrong-answer-run.png")))

    report = lab.validate("wrong-answer-validated.png")
    assert report.count("The following cell failed:") == len(graded), report
    assert WRONG_MESSAGE in report, report


@pytest.mark.parametrize("notebook", sorted((ROOT / "exercises").glob("*/*.ipynb")), ids=lambda p: p.parent.name)
def test_every_exercise_opens_with_the_header(notebook):
    """What to do, the points, how to run the tests, validate and submit: in the first cell."""
    first = json.loads(notebook.read_text())["cells"][0]
    text = "".join(first["source"])
    assert first["cell_type"] == "markdown" and text.startswith("# "), "the first cell must be the titled header"
    for what in ("points", "test", "Validate", "submit", "LMS"):
        assert what.lower() in text.lower(), f"the header of {notebook.name} does not mention {what!r}"


def test_validate_finds_the_course_config_when_lab_runs_from_the_repository_root(monkeypatch):
    """The Validate button reads nbgrader_config.py from the server's working folder, so `make
    lab` (which runs from the repository root) gets our settings; from exercises/ it would not."""
    from nbgrader.server_extensions.validate_assignment.handlers import ValidateAssignmentHandler

    monkeypatch.chdir(ROOT)
    assert ValidateAssignmentHandler.load_config(None).CourseDirectory.source_directory == "solutions"
    monkeypatch.chdir(ROOT / "exercises")
    assert "source_directory" not in ValidateAssignmentHandler.load_config(None).CourseDirectory

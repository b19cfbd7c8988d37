# Two commands for a new user: `make book` (set up + build the website) and `make test`.
# VENV may point outside the clone (CI caches it there, keyed on requirements.txt).
VENV ?= .venv
PY := $(VENV)/bin/python
# nbgrader shells out to `alembic`, so the venv's bin/ must come first on PATH.
export PATH := $(abspath $(VENV))/bin:$(PATH)
# Keep TensorFlow quiet and on the CPU (no GPU here; avoids probing for CUDA).
export TF_CPP_MIN_LOG_LEVEL := 2
export CUDA_VISIBLE_DEVICES :=

# Root installs system packages directly; anyone else goes through sudo.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: setup book exercises diagnoses test test-fast lab lab-instructor student-lab-config clean browser-deps release collect grade grade-demo benchmark

# The stamp is named after the requirements' contents, so a fresh clone reuses a cached venv.
REQUIREMENTS_STAMP := $(VENV)/.installed-$(shell sha256sum requirements.txt | cut -c1-16)

$(REQUIREMENTS_STAMP):
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

## setup: create the venv if missing, install the pinned requirements and the course package
setup: $(REQUIREMENTS_STAMP)
	$(PY) -m pip install --quiet --no-deps --editable .
	$(PY) -m regcourse.kernel

## book: set up, then build the website into _build/html, executing every book notebook; the
## site ships its own MathJax, from the npm release that package.json pins
book: setup node_modules/.installed
	$(VENV)/bin/jupyter-book build . --warningiserror --nitpick --keep-going

## exercises: regenerate the student versions in exercises/ from solutions/
exercises: setup
	$(PY) -m autograder.release

## diagnoses: record what each catalogued mistake returns where it fails (tests/variants), so
## that feedback names the misconception; run after changing a test, a mistake or its text
diagnoses: setup
	$(PY) -m autograder.diagnoses $(ASSIGNMENT)

## release: regenerate exercises/ and pack one zip per assignment for an LMS (autograder/lms/)
release: setup
	$(PY) -m autograder.release --zip

## collect: put submissions where nbgrader expects them: make collect FROM=<folder or LMS zip>
## (a zip also takes ASSIGNMENT=<name> and PATTERN=<simple|folders|moodle|canvas|regex>)
collect: setup
	@test -n "$(FROM)" || { echo "usage: make collect FROM=<folder of <student>/<assignment>/ or LMS zip>"; exit 2; }
	$(PY) -m autograder.collect "$(FROM)" $(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)") $(if $(PATTERN),--pattern '$(PATTERN)')

## grade: grade every new or changed submission, in parallel; feedback, grades CSV, summary
## (options after GRADE_ARGS=, e.g. GRADE_ARGS="--force --workers 4"; see --help)
grade: setup
	$(PY) -m autograder.grade $(GRADE_ARGS)

## grade-demo: grade a synthetic class (correct, wrong, broken, tampered) in autograder/demo/
grade-demo: setup
	$(PY) -m autograder.demo

## benchmark: time `make grade` against sequential `nbgrader autograde` on 30 synthetic students
benchmark: setup
	$(PY) -m autograder.benchmark

## browser-deps: what the browser tests need besides the venv (playwright is pinned in
## requirements.txt): Debian's Chromium, and from npm axe-core (npm ci installs the book's MathJax too)
browser-deps: setup node_modules/.installed
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium; }

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## test: set up, build the book (warnings are errors), run the whole test suite
test: book browser-deps
	$(PY) -m pytest

## test-fast: the tests that need no book build, browser, grading run or Keras training
## (a couple of minutes on 2 cores), for everyday work; `make test` runs everything
test-fast: setup
	$(PY) -m pytest -m "not slow"

# JupyterLab refuses to run as root without --allow-root; LAB_ARGS passes more options.
LAB_FLAGS = $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)
# The student Lab's own Jupyter config folder, written at each launch and searched first.
STUDENT_LAB ?= _build/lab-student

## lab: JupyterLab for students on exercises/: their notebooks with nbgrader's Validate button,
## and nbgrader's Assignments list where an exchange is configured; no instructor tools
lab: setup student-lab-config
	JUPYTER_CONFIG_PATH=$(abspath $(STUDENT_LAB))$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH)) \
	  $(VENV)/bin/jupyter lab exercises $(LAB_FLAGS)

# (Re)write $(STUDENT_LAB), as seen from the Lab's root folder exercises/ (see STUDENT_LAB_CONFIG).
student-lab-config: $(REQUIREMENTS_STAMP)
	cd exercises && $(abspath $(PY)) -c "$$STUDENT_LAB_CONFIG" $(abspath $(STUDENT_LAB))

## lab-instructor: JupyterLab on the whole course with all of nbgrader: formgrader,
## Create Assignment, the course list
lab-instructor: setup
	$(VENV)/bin/jupyter lab $(LAB_FLAGS)

# Writes the student Lab's config folder (its argument). nbgrader's instructor tools are off:
# their JupyterLab plugins (disabled and locked, so that the plugin manager cannot turn them
# back on) and server extensions. So is the Assignments list's plugin (and the Nbgrader menu,
# which then only opens it), unless an exchange is configured: nbgrader's default exchange with
# its folder in place, or another exchange, as the list reads its config (from the Lab's root
# folder, the current directory, and the Jupyter config path). The list's server extension
# stays: Validate asks it for nbgrader's version first.
define STUDENT_LAB_CONFIG
import json, logging, os, sys
from pathlib import Path
from nbgrader.exchange import ExchangeFactory, default
from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

logging.disable(logging.WARNING)  # nbgrader would warn "No nbgrader_config.py file found"
config = AssignmentList().load_config()
exchange = ExchangeFactory(config=config).exchange
has_exchange = exchange is not default.Exchange or os.path.isdir(default.Exchange(config=config).root)
plugins = ["formgrader", "create-assignment", "course-list"] + ([] if has_exchange else ["assignment-list", "menu"])
off = {f"@jupyter/nbgrader:{name}": True for name in plugins}
folder = Path(sys.argv[1])
(folder / "labconfig").mkdir(parents=True, exist_ok=True)
(folder / "labconfig" / "page_config.json").write_text(
    json.dumps({"disabledExtensions": off, "lockedExtensions": off}, indent=1))
(folder / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"jpserver_extensions": {
    f"nbgrader.server_extensions.{name}": False for name in ("formgrader", "course_list")}}}, indent=1))
print("student Lab: nbgrader's", ", ".join(plugins), "are off")
endef
export STUDENT_LAB_CONFIG

## clean: remove the build and everything grading produced (grades too: export them first)
clean:
	rm -rf _build autograder/submitted autograder/autograded autograder/feedback autograder/gradebook.db \
	  autograder/jobs autograder/reports autograder/lms autograder/demo autograder/downloaded

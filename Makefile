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

.PHONY: setup book exercises test lab clean browser-deps release collect grade grade-demo benchmark

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

## lab: open JupyterLab on the exercises, with the nbgrader extension
lab: setup
	$(VENV)/bin/jupyter lab exercises $(if $(filter 0,$(shell id -u)),--allow-root)

## clean: remove the build and everything grading produced (grades too: export them first)
clean:
	rm -rf _build autograder/submitted autograder/autograded autograder/feedback autograder/gradebook.db \
	  autograder/jobs autograder/reports autograder/lms autograder/demo autograder/downloaded

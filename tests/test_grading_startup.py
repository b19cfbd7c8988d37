"""What grading processes start with: job processes fork from autograder/preload.py, and how
many jobs run at a time by default."""
import os
import subprocess
import sys

from autograder import grade
from autograder.course import ROOT

PROBE = """
import gc
import autograder.preload
import nbformat.validator
from tensorflow.python.eager import context
print(gc.get_freeze_count(), len(nbformat.validator.validators), context.context()._initialized)
"""


def test_job_processes_start_with_imports_frozen_validators_made_and_no_tensorflow_operation_run():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-2000:]
    frozen, validators, tensorflow_started = done.stdout.split()
    assert int(frozen) > 100_000  # the imports' objects: a job's full collection skips them
    assert int(validators) == 2  # strict and relaxed, for the current nbformat
    assert tensorflow_started == "False"  # a fork must not inherit TensorFlow's threads


def test_one_job_more_than_cores_runs_here_and_one_per_core_of_a_batch_job():
    cores = os.cpu_count()
    assert grade.default_workers(grade.Engine()) == cores + 1
    assert grade.default_workers(grade.Engine(kind="local")) == cores + 1
    assert grade.default_workers(grade.Engine(kind="slurm", cores=8)) == 8

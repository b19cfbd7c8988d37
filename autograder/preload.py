"""What every job process starts with: the workers' forkserver (pool.py) imports this module
once, and each job process is a fork of it.

It imports nbgrader and the job's code, nbconvert's HTML exporter (feedback), TensorFlow and
Keras and what the tests import (for the checker), and the gradebook's SQLite driver, without
running a TensorFlow operation (a fork must not inherit TensorFlow's threads), and makes what
every job would make again (below). Then it freezes the garbage collector's view of those
~600,000 objects: a job's full collection no longer walks them (it took 0.3 s of every job,
and copied the pages it touched).
"""
import gc

import keras  # noqa: F401
import nbconvert.exporters.html  # noqa: F401
import nbformat
import sklearn.datasets  # noqa: F401
import sklearn.linear_model  # noqa: F401
import sqlalchemy.dialects.sqlite  # noqa: F401
import sqlalchemy.orm

from . import job  # noqa: F401

# made once here, not in every job: nbformat's notebook validators (compiling one took 0.12 s)
# and SQLAlchemy's mapping of nbgrader's gradebook classes
for relaxed in (False, True):
    nbformat.validator.get_validator(nbformat.current_nbformat, nbformat.current_nbformat_minor, relaxed)
sqlalchemy.orm.configure_mappers()

gc.collect()
gc.freeze()

"""nbgrader configuration for the course; every nbgrader command run from the repo root reads it.

solutions/ is nbgrader's source folder, exercises/ its release folder; everything an
instructor's grading produces lives under autograder/ and is git-ignored.
"""
from pathlib import Path

c = get_config()  # noqa: F821 (injected by traitlets)

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "autograder"
WORK.mkdir(exist_ok=True)  # sqlite cannot create the gradebook's folder; nbgrader would blame the schema

c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = "regularization"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "autograder/submitted"
c.CourseDirectory.autograded_directory = "autograder/autograded"
c.CourseDirectory.feedback_directory = "autograder/feedback"
c.CourseDirectory.db_url = f"sqlite:///{WORK / 'gradebook.db'}"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store"]

# What students see in place of our solutions: a clear "not implemented yet".
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError('not implemented yet: replace this line with your code')"
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Keras tasks train small models; give a graded cell more than the 30 s default.
c.Execute.timeout = 120
# A student who deletes a graded cell gets it back (and loses nothing silently).
c.OverwriteCells.add_missing_cells = True

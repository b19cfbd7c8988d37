import sys
from pathlib import Path

# The tests import their helpers and the instructor package (autograder).
ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

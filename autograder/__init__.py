"""Instructor side of the course: releasing exercises and grading submissions with nbgrader."""

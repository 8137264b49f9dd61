"""The admin, the analysts' workbench: exercises in exercises.py, everything else in reference.py."""

from exercises.admin import exercises, reference  # noqa: F401  (registers the ModelAdmins)

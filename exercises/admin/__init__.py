"""The admin, the analysts' workbench: exercises in exercises.py, merges and possible duplicates in
duplicates.py, everything else in reference.py."""

from exercises.admin import duplicates, exercises, reference  # noqa: F401  (registers the ModelAdmins)

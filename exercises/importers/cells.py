"""A data set's cells as text: what "missing" looks like in the data sets the importers read.

MME and JME both write ``-9`` for a value their coders could not find (an unnamed exercise, an
unknown place, a participant they could not name); an empty cell means the same.
"""

#: The marker MME and JME write for a missing value.
MISSING = "-9"


def cell(value: str | None, missing: str = MISSING) -> str:
    """A cell's text, stripped; empty where the data set writes ``missing``."""
    value = (value or "").strip()
    return "" if value == missing else value
